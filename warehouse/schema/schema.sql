-- Warehouse schema, declared once. Applied by warehouse/schema/ddl.py to every new warehouse;
-- docs/data_dictionary.md is generated from the comments below (python -m warehouse dictionary).
-- schema_version: 2
-- Keys are md5-based BIGINTs (warehouse/schema/keys.py). Uniqueness and referential integrity are
-- enforced by warehouse/load/checks.sql after every load, not by index constraints (fast bulk
-- deletes and inserts).

CREATE TABLE warehouse_meta (
    key   VARCHAR NOT NULL,
    value VARCHAR
);
COMMENT ON TABLE warehouse_meta IS '仓库元数据（结构版本、分类规则摘要）/ Warehouse metadata: schema version, rule digests';
COMMENT ON COLUMN warehouse_meta.key IS '键 / Key';
COMMENT ON COLUMN warehouse_meta.value IS '值 / Value';

CREATE TABLE dim_unit (
    unit_key  BIGINT NOT NULL,
    unit_code VARCHAR,
    unit_name VARCHAR,
    province  VARCHAR,
    city      VARCHAR,
    county    VARCHAR,
    township  VARCHAR,
    unit_kind VARCHAR
);
COMMENT ON TABLE dim_unit IS '预算单位维度（省→市→县→乡镇层级）/ Budget unit dimension with its province-city-county-township hierarchy';
COMMENT ON COLUMN dim_unit.unit_key IS '单位代理键：md5(省|市|县|单位编码，无编码时用单位名称) / Surrogate key: md5 of geography plus unit code (or name)';
COMMENT ON COLUMN dim_unit.unit_code IS '单位编码 / Budget unit code as printed';
COMMENT ON COLUMN dim_unit.unit_name IS '单位名称 / Budget unit name';
COMMENT ON COLUMN dim_unit.province IS '省 / Province';
COMMENT ON COLUMN dim_unit.city IS '市 / City (prefecture)';
COMMENT ON COLUMN dim_unit.county IS '县（区、市）/ County or district';
COMMENT ON COLUMN dim_unit.township IS '乡镇（街道、开发区）/ Township, street office or development zone';
COMMENT ON COLUMN dim_unit.unit_kind IS '单位类型：township 乡镇 / street 街道 / development_zone 开发区 / county_department 县级部门 / city_unit 市级单位 / other 其他 / Kind of unit (record unit.kind)';

CREATE TABLE dim_fiscal_year (
    fiscal_year INTEGER NOT NULL,
    label       VARCHAR,
    start_date  DATE,
    end_date    DATE
);
COMMENT ON TABLE dim_fiscal_year IS '预算年度维度 / Fiscal year dimension';
COMMENT ON COLUMN dim_fiscal_year.fiscal_year IS '预算年度 / Fiscal year';
COMMENT ON COLUMN dim_fiscal_year.label IS '显示名称，如“2021年” / Display label';
COMMENT ON COLUMN dim_fiscal_year.start_date IS '年度起始日 / First day of the fiscal year';
COMMENT ON COLUMN dim_fiscal_year.end_date IS '年度终止日 / Last day of the fiscal year';

CREATE TABLE dim_project (
    project_key      BIGINT NOT NULL,
    unit_key         BIGINT NOT NULL,
    fiscal_year      INTEGER,
    document_id      BIGINT NOT NULL,
    project_code     VARCHAR,
    project_name     VARCHAR,
    project_category VARCHAR
);
COMMENT ON TABLE dim_project IS '预算项目维度（单位×年度×项目）/ Budget project dimension: one project of one unit in one fiscal year';
COMMENT ON COLUMN dim_project.project_key IS '项目代理键：md5(单位键|年度|项目编码或名称) / Surrogate key: md5 of unit key, fiscal year and project code (or cleaned name)';
COMMENT ON COLUMN dim_project.unit_key IS '所属单位 → dim_unit / Owning unit';
COMMENT ON COLUMN dim_project.fiscal_year IS '预算年度 → dim_fiscal_year / Fiscal year';
COMMENT ON COLUMN dim_project.document_id IS '来源文件 → source_document / Source document';
COMMENT ON COLUMN dim_project.project_code IS '项目编码 / Project code as printed';
COMMENT ON COLUMN dim_project.project_name IS '项目名称（已清理编号）/ Cleaned project name';
COMMENT ON COLUMN dim_project.project_category IS '项目功能分类（规则见 data/project_categories.toml）/ Functional category from data/project_categories.toml';

CREATE TABLE dim_indicator (
    indicator_key    BIGINT NOT NULL,
    level1           VARCHAR,
    level2           VARCHAR,
    indicator_name   VARCHAR,
    target_kind      VARCHAR,
    target_unit      VARCHAR,
    indicator_family VARCHAR
);
COMMENT ON TABLE dim_indicator IS '绩效指标定义维度（一级×二级×三级指标×计量方式）/ Indicator definition: taxonomy, name and how it is measured';
COMMENT ON COLUMN dim_indicator.indicator_key IS '指标代理键：md5(一级|二级|名称|类型|单位) / Surrogate key';
COMMENT ON COLUMN dim_indicator.level1 IS '一级指标（规范名）/ Canonical level-1 type';
COMMENT ON COLUMN dim_indicator.level2 IS '二级指标（规范名）/ Canonical level-2 type';
COMMENT ON COLUMN dim_indicator.indicator_name IS '三级指标名称 / Level-3 indicator name';
COMMENT ON COLUMN dim_indicator.target_kind IS '指标值类型：number/percent/money/deadline/qualitative / Target kind';
COMMENT ON COLUMN dim_indicator.target_unit IS '计量单位 / Target unit';
COMMENT ON COLUMN dim_indicator.indicator_family IS '指标族（规则见 data/indicator_families.toml）/ Comparable family from data/indicator_families.toml';

CREATE TABLE source_document (
    document_id     BIGINT NOT NULL,
    path            VARCHAR NOT NULL,
    file_name       VARCHAR,
    sha256          VARCHAR NOT NULL,
    size_bytes      BIGINT,
    layout          VARCHAR,
    parser_version  VARCHAR,
    unit_key        BIGINT,
    fiscal_year     INTEGER,
    overall_goal    VARCHAR,
    project_count   INTEGER,
    indicator_count INTEGER,
    warning_count   INTEGER,
    loaded_at       TIMESTAMP,
    run_id          INTEGER
);
COMMENT ON TABLE source_document IS '来源文件（血缘）/ Source documents: lineage of every fact row';
COMMENT ON COLUMN source_document.document_id IS '文件代理键：md5(绝对路径) / Surrogate key: md5 of the absolute path';
COMMENT ON COLUMN source_document.path IS '文件绝对路径 / Absolute path';
COMMENT ON COLUMN source_document.file_name IS '文件名 / File name';
COMMENT ON COLUMN source_document.sha256 IS '文件内容 SHA-256 / SHA-256 of the file bytes';
COMMENT ON COLUMN source_document.size_bytes IS '文件大小（字节）/ File size in bytes';
COMMENT ON COLUMN source_document.layout IS '版式识别结果 / Layout recognised by the parser';
COMMENT ON COLUMN source_document.parser_version IS '解析器版本 / Parser version that produced the rows';
COMMENT ON COLUMN source_document.unit_key IS '所属单位 → dim_unit / Unit';
COMMENT ON COLUMN source_document.fiscal_year IS '预算年度 / Fiscal year';
COMMENT ON COLUMN source_document.overall_goal IS '总体绩效目标 / Overall performance goal text';
COMMENT ON COLUMN source_document.project_count IS '项目数 / Number of projects';
COMMENT ON COLUMN source_document.indicator_count IS '指标行数（项目＋单位整体）/ Indicator rows, project and unit scope';
COMMENT ON COLUMN source_document.warning_count IS '警告数 / Number of load warnings';
COMMENT ON COLUMN source_document.loaded_at IS '载入时间 / When the document was loaded';
COMMENT ON COLUMN source_document.run_id IS '载入批次 → load_run / Load run that loaded it';

CREATE TABLE fact_project_budget (
    project_key       BIGINT NOT NULL,
    fiscal_year       INTEGER,
    unit_key          BIGINT NOT NULL,
    document_id       BIGINT NOT NULL,
    seq               INTEGER,
    budget_total_yuan DOUBLE,
    fiscal_funds_yuan DOUBLE,
    other_funds_yuan  DOUBLE,
    plan_q1_pct       DOUBLE,
    plan_q2_pct       DOUBLE,
    plan_q3_pct       DOUBLE,
    plan_q4_pct       DOUBLE,
    purpose           VARCHAR,
    goals             VARCHAR[],
    indicator_count   INTEGER,
    source_line       INTEGER
);
COMMENT ON TABLE fact_project_budget IS '项目预算事实（粒度：项目×年度）/ Project budget fact, grain project x fiscal year';
COMMENT ON COLUMN fact_project_budget.project_key IS '项目 → dim_project / Project';
COMMENT ON COLUMN fact_project_budget.fiscal_year IS '预算年度 → dim_fiscal_year / Fiscal year';
COMMENT ON COLUMN fact_project_budget.unit_key IS '单位 → dim_unit / Unit';
COMMENT ON COLUMN fact_project_budget.document_id IS '来源文件 → source_document / Source document';
COMMENT ON COLUMN fact_project_budget.seq IS '文件内项目序号（从1起）/ Order of the project in its document';
COMMENT ON COLUMN fact_project_budget.budget_total_yuan IS '预算数（元）/ Total budget in yuan';
COMMENT ON COLUMN fact_project_budget.fiscal_funds_yuan IS '其中：财政资金（元）/ Fiscal funds in yuan';
COMMENT ON COLUMN fact_project_budget.other_funds_yuan IS '其他资金（元）/ Other funds in yuan';
COMMENT ON COLUMN fact_project_budget.plan_q1_pct IS '用款计划：3月累计（%）/ Cumulative spending plan at the 1st checkpoint, percent';
COMMENT ON COLUMN fact_project_budget.plan_q2_pct IS '用款计划：6月累计（%）/ Cumulative spending plan at the 2nd checkpoint, percent';
COMMENT ON COLUMN fact_project_budget.plan_q3_pct IS '用款计划：10月累计（%）/ Cumulative spending plan at the 3rd checkpoint, percent';
COMMENT ON COLUMN fact_project_budget.plan_q4_pct IS '用款计划：12月累计（%）/ Cumulative spending plan at the 4th checkpoint, percent';
COMMENT ON COLUMN fact_project_budget.purpose IS '资金用途 / Purpose of the funds';
COMMENT ON COLUMN fact_project_budget.goals IS '绩效目标（逐条）/ Numbered performance goals';
COMMENT ON COLUMN fact_project_budget.indicator_count IS '该项目指标行数 / Number of indicator rows of the project';
COMMENT ON COLUMN fact_project_budget.source_line IS '来源文件行号 / Line in the source document';

CREATE TABLE fact_indicator_target (
    target_key        BIGINT NOT NULL,
    document_id       BIGINT NOT NULL,
    scope             VARCHAR NOT NULL,
    project_key       BIGINT,
    unit_key          BIGINT NOT NULL,
    fiscal_year       INTEGER,
    indicator_key     BIGINT NOT NULL,
    ordinal           INTEGER,
    level1_raw        VARCHAR,
    level2_raw        VARCHAR,
    description       VARCHAR,
    target_raw        VARCHAR,
    target_op         VARCHAR,
    target_value      DOUBLE,
    target_value_max  DOUBLE,
    target_unit       VARCHAR,
    target_value_yuan DOUBLE,
    target_kind       VARCHAR,
    deadline          DATE,
    basis             VARCHAR,
    weight            DOUBLE,
    direction         VARCHAR,
    source_line       INTEGER,
    horizon           VARCHAR,
    place             VARCHAR,
    graded            VARCHAR,
    target_per        VARCHAR,
    target_meaning    VARCHAR,
    direction_source  VARCHAR,
    period_start      DATE,
    period_end        DATE
);
COMMENT ON TABLE fact_indicator_target IS '绩效指标目标值事实（粒度：一行指标）/ Indicator target fact, grain one indicator row';
COMMENT ON COLUMN fact_indicator_target.target_key IS '代理键：md5(文件|范围|项目序号|行序号) / Surrogate key';
COMMENT ON COLUMN fact_indicator_target.document_id IS '来源文件 → source_document / Source document';
COMMENT ON COLUMN fact_indicator_target.scope IS '范围：project 项目 / unit 单位整体 / Scope';
COMMENT ON COLUMN fact_indicator_target.project_key IS '项目 → dim_project（单位整体指标为空）/ Project, NULL for unit scope';
COMMENT ON COLUMN fact_indicator_target.unit_key IS '单位 → dim_unit / Unit';
COMMENT ON COLUMN fact_indicator_target.fiscal_year IS '预算年度 / Fiscal year';
COMMENT ON COLUMN fact_indicator_target.indicator_key IS '指标定义 → dim_indicator / Indicator definition';
COMMENT ON COLUMN fact_indicator_target.ordinal IS '表内行序号（从1起）/ Row order inside its table';
COMMENT ON COLUMN fact_indicator_target.level1_raw IS '一级指标（原文）/ Level 1 as printed';
COMMENT ON COLUMN fact_indicator_target.level2_raw IS '二级指标（原文）/ Level 2 as printed';
COMMENT ON COLUMN fact_indicator_target.description IS '绩效指标描述 / Indicator description';
COMMENT ON COLUMN fact_indicator_target.target_raw IS '指标值原文 / Target exactly as printed';
COMMENT ON COLUMN fact_indicator_target.target_op IS '比较符：>= <= = > < between / Comparison operator';
COMMENT ON COLUMN fact_indicator_target.target_value IS '目标数值（时限见 deadline）/ Numeric target value';
COMMENT ON COLUMN fact_indicator_target.target_value_max IS '区间上限（between）/ Upper bound for between';
COMMENT ON COLUMN fact_indicator_target.target_unit IS '计量单位（%、人、万元…）/ Unit of the target';
COMMENT ON COLUMN fact_indicator_target.target_value_yuan IS '金额目标折合元 / Money target converted to yuan';
COMMENT ON COLUMN fact_indicator_target.target_kind IS '目标类型：number/percent/money/deadline/qualitative / Target kind';
COMMENT ON COLUMN fact_indicator_target.deadline IS '完成时限日期（仅 deadline 类型；期间见 period_start/period_end）/ Deadline date, deadline targets only';
COMMENT ON COLUMN fact_indicator_target.basis IS '指标值确定依据 / Basis of the target value';
COMMENT ON COLUMN fact_indicator_target.weight IS '权重 / Weight, where the layout has it';
COMMENT ON COLUMN fact_indicator_target.direction IS '指标方向：positive 正向 / negative 反向 / Direction';
COMMENT ON COLUMN fact_indicator_target.source_line IS '来源文件行号 / Line in the source document';
COMMENT ON COLUMN fact_indicator_target.horizon IS '目标期限：annual 年度 / long_term 长期（跨年度比较只用年度）/ Horizon; comparisons use annual';
COMMENT ON COLUMN fact_indicator_target.place IS '分地区目标的地点（乡镇、村），项目整体目标为空 / Place of a per-place target, else NULL';
COMMENT ON COLUMN fact_indicator_target.graded IS '分档标准 优/良/中/差（JSON，各档为一个目标值对象），无则为空 / Graded standards as JSON, else NULL';
COMMENT ON COLUMN fact_indicator_target.target_per IS '计数周期（如“每月至少20次”的“月”）/ Counting period of the target (per month, per year…)';
COMMENT ON COLUMN fact_indicator_target.target_meaning IS '定性目标的含义：yes 是 / no 否 / within_budget 不超预算 … / Recognised meaning of a qualitative target';
COMMENT ON COLUMN fact_indicator_target.direction_source IS '指标方向来源：given 表中写明 / implied 由比较符推断 / Where the direction came from';
COMMENT ON COLUMN fact_indicator_target.period_start IS '期间目标的起始日（仅 period 类型）/ Start date of a period target';
COMMENT ON COLUMN fact_indicator_target.period_end IS '期间目标的终止日（仅 period 类型）/ End date of a period target';

CREATE TABLE load_warning (
    warning_key  BIGINT NOT NULL,
    document_id  BIGINT NOT NULL,
    ordinal      INTEGER,
    origin       VARCHAR,
    code         VARCHAR,
    message      VARCHAR,
    line         INTEGER,
    project_name VARCHAR,
    project_key  BIGINT
);
COMMENT ON TABLE load_warning IS '载入警告（解析器与仓库检查产生）/ Warnings raised while parsing or loading a document';
COMMENT ON COLUMN load_warning.warning_key IS '代理键：md5(文件|序号) / Surrogate key';
COMMENT ON COLUMN load_warning.document_id IS '来源文件 → source_document / Source document';
COMMENT ON COLUMN load_warning.ordinal IS '文件内序号 / Order inside the document';
COMMENT ON COLUMN load_warning.origin IS '来源：parser 解析器 / warehouse 仓库 / review 审核 / Who raised it';
COMMENT ON COLUMN load_warning.code IS '警告代码 / Warning code';
COMMENT ON COLUMN load_warning.message IS '警告说明 / Message';
COMMENT ON COLUMN load_warning.line IS '来源文件行号 / Line in the source document';
COMMENT ON COLUMN load_warning.project_name IS '相关项目名称 / Project it concerns';
COMMENT ON COLUMN load_warning.project_key IS '相关项目 → dim_project / Project key when resolvable';

CREATE TABLE goal_review_project (
    project_key BIGINT NOT NULL,
    document_id BIGINT NOT NULL,
    grade       VARCHAR,
    score       DOUBLE
);
COMMENT ON TABLE goal_review_project IS '绩效目标审核：项目等级 / Goal review grade per project';
COMMENT ON COLUMN goal_review_project.project_key IS '项目 → dim_project / Project';
COMMENT ON COLUMN goal_review_project.document_id IS '来源文件 → source_document / Source document';
COMMENT ON COLUMN goal_review_project.grade IS '审核等级：优/良/中/差 / Grade';
COMMENT ON COLUMN goal_review_project.score IS '审核得分 / Review score';

CREATE TABLE goal_review_finding (
    finding_key     BIGINT NOT NULL,
    project_key     BIGINT NOT NULL,
    document_id     BIGINT NOT NULL,
    ordinal         INTEGER,
    rule_id         VARCHAR,
    severity        VARCHAR,
    message         VARCHAR,
    hint            VARCHAR,
    indicator_index INTEGER,
    indicator_name  VARCHAR,
    source_line     INTEGER
);
COMMENT ON TABLE goal_review_finding IS '绩效目标审核：问题清单 / Goal review findings';
COMMENT ON COLUMN goal_review_finding.finding_key IS '代理键：md5(文件|项目序号|序号) / Surrogate key';
COMMENT ON COLUMN goal_review_finding.project_key IS '项目 → dim_project / Project';
COMMENT ON COLUMN goal_review_finding.document_id IS '来源文件 → source_document / Source document';
COMMENT ON COLUMN goal_review_finding.ordinal IS '项目内序号 / Order inside the project';
COMMENT ON COLUMN goal_review_finding.rule_id IS '规则编号 / Rule id';
COMMENT ON COLUMN goal_review_finding.severity IS '严重程度 / Severity';
COMMENT ON COLUMN goal_review_finding.message IS '问题说明 / Finding';
COMMENT ON COLUMN goal_review_finding.hint IS '修改建议 / Fix hint';
COMMENT ON COLUMN goal_review_finding.indicator_index IS '相关指标序号 / Index of the indicator concerned';
COMMENT ON COLUMN goal_review_finding.indicator_name IS '相关指标名称 / Name of the indicator concerned';
COMMENT ON COLUMN goal_review_finding.source_line IS '来源文件行号 / Line in the source document';

CREATE TABLE load_run (
    run_id        INTEGER NOT NULL,
    started_at    TIMESTAMP,
    finished_at   TIMESTAMP,
    db_file       VARCHAR,
    parser_version VARCHAR,
    paths         VARCHAR[],
    files_seen    INTEGER,
    loaded        INTEGER,
    replaced      INTEGER,
    unchanged     INTEGER,
    duplicates    INTEGER,
    rejected      INTEGER,
    projects      INTEGER,
    indicators    INTEGER,
    warnings      INTEGER,
    checks_failed INTEGER,
    check_report  VARCHAR,
    status        VARCHAR,
    elapsed_s     DOUBLE
);
COMMENT ON TABLE load_run IS '载入批次日志 / Load run log, one row per load';
COMMENT ON COLUMN load_run.run_id IS '批次编号 / Run number';
COMMENT ON COLUMN load_run.started_at IS '开始时间 / Start time';
COMMENT ON COLUMN load_run.finished_at IS '结束时间 / End time';
COMMENT ON COLUMN load_run.db_file IS '写入的版本文件 / Version file written';
COMMENT ON COLUMN load_run.parser_version IS '解析器版本 / Parser version';
COMMENT ON COLUMN load_run.paths IS '命令行给出的路径 / Paths given on the command line';
COMMENT ON COLUMN load_run.files_seen IS '候选文件数 / Candidate files found';
COMMENT ON COLUMN load_run.loaded IS '新载入文件数 / Documents loaded for the first time';
COMMENT ON COLUMN load_run.replaced IS '更新（替换）文件数 / Documents replaced';
COMMENT ON COLUMN load_run.unchanged IS '未变化跳过数 / Unchanged documents skipped';
COMMENT ON COLUMN load_run.duplicates IS '内容重复跳过数 / Files skipped as copies of loaded content';
COMMENT ON COLUMN load_run.rejected IS '拒绝文件数 / Files rejected';
COMMENT ON COLUMN load_run.projects IS '本批载入项目数 / Projects loaded in this run';
COMMENT ON COLUMN load_run.indicators IS '本批载入指标行数 / Indicator rows loaded in this run';
COMMENT ON COLUMN load_run.warnings IS '本批警告数 / Warnings raised in this run';
COMMENT ON COLUMN load_run.checks_failed IS '未通过的数据检查数 / Data checks that returned rows';
COMMENT ON COLUMN load_run.check_report IS '数据检查结果 / Data check report';
COMMENT ON COLUMN load_run.status IS '状态：ok / rejects / checks_failed / Status';
COMMENT ON COLUMN load_run.elapsed_s IS '耗时（秒）/ Elapsed seconds';

CREATE TABLE reject (
    path        VARCHAR NOT NULL,
    sha256      VARCHAR,
    reason      VARCHAR,
    rejected_at TIMESTAMP,
    run_id      INTEGER
);
COMMENT ON TABLE reject IS '被拒绝的文件（每个路径保留最近一次；成功载入后删除）/ Rejected files: latest attempt per path, removed once the file loads';
COMMENT ON COLUMN reject.path IS '文件绝对路径 / Absolute path';
COMMENT ON COLUMN reject.sha256 IS '文件内容 SHA-256（无法读取时为空）/ SHA-256 of the bytes';
COMMENT ON COLUMN reject.reason IS '拒绝原因 / Reason';
COMMENT ON COLUMN reject.rejected_at IS '拒绝时间 / When';
COMMENT ON COLUMN reject.run_id IS '载入批次 → load_run / Load run';

-- Added for document versions (docs/load_mechanism.md); IF NOT EXISTS so that warehouses
-- built before it get the table on their next load (warehouse/load/versions.py) without a rebuild.
CREATE TABLE IF NOT EXISTS document_version (
    identity_key        BIGINT NOT NULL,
    document_id         BIGINT NOT NULL,
    path                VARCHAR NOT NULL,
    sha256              VARCHAR NOT NULL,
    unit_key            BIGINT,
    fiscal_year         INTEGER,
    kind                VARCHAR,
    content_digest      VARCHAR,
    project_count       INTEGER,
    budget_total_yuan   DOUBLE,
    loaded_at           TIMESTAMP,
    run_id              INTEGER,
    status              VARCHAR NOT NULL,
    replaced_by_path    VARCHAR,
    replaced_at         TIMESTAMP,
    replaced_run_id     INTEGER
);
COMMENT ON TABLE document_version IS '文档版本历史（单位＋年度＋类型相同即同一文档；新版本取代旧版本）/ Document versions: one row per file version of a document identity (unit + fiscal year + kind)';
COMMENT ON COLUMN document_version.identity_key IS '文档身份：md5(单位键|年度|类型) / Document identity: md5 of unit key, fiscal year and kind';
COMMENT ON COLUMN document_version.document_id IS '文件代理键（绝对路径）/ File surrogate key (absolute path)';
COMMENT ON COLUMN document_version.path IS '文件绝对路径 / Absolute path';
COMMENT ON COLUMN document_version.sha256 IS '文件内容 SHA-256 / SHA-256 of the file bytes';
COMMENT ON COLUMN document_version.unit_key IS '所属单位 → dim_unit / Unit';
COMMENT ON COLUMN document_version.fiscal_year IS '预算年度 / Fiscal year';
COMMENT ON COLUMN document_version.kind IS '文档类型：project 项目绩效目标 / unit 单位整体绩效目标 / Kind of goal document';
COMMENT ON COLUMN document_version.content_digest IS '记录内容摘要（不含路径与行号；不同格式的同一文档相同）/ Digest of the record content, format-independent';
COMMENT ON COLUMN document_version.project_count IS '项目数 / Number of projects';
COMMENT ON COLUMN document_version.budget_total_yuan IS '项目预算合计（元）/ Sum of project budgets in yuan';
COMMENT ON COLUMN document_version.loaded_at IS '载入时间 / When this version was loaded';
COMMENT ON COLUMN document_version.run_id IS '载入批次 → load_run / Load run';
COMMENT ON COLUMN document_version.status IS '状态：current 当前 / superseded 已被取代 / same_content 同内容另一文件（未载入）/ kept_both 保留两份 / Status';
COMMENT ON COLUMN document_version.replaced_by_path IS '取代它（或与它内容相同而保留）的文件 / File that superseded it (or the kept file of the same content)';
COMMENT ON COLUMN document_version.replaced_at IS '被取代时间 / When it was superseded';
COMMENT ON COLUMN document_version.replaced_run_id IS '被取代的载入批次 / Load run that superseded it';

-- Derived tables behind the cross-year views and the project card: filled at every load by
-- warehouse/load/derived.py (identity.py, source_text.py); not facts, rebuilt from them.
CREATE TABLE IF NOT EXISTS project_identity (
    project_key  BIGINT NOT NULL,
    identity_key BIGINT NOT NULL,
    link_method  VARCHAR,
    link_score   DOUBLE
);
COMMENT ON TABLE project_identity IS '项目跨年度身份（同一项目各年度共用 identity_key）/ Project identity across fiscal years';
COMMENT ON COLUMN project_identity.project_key IS '项目（某年度）→ dim_project / Project in one fiscal year';
COMMENT ON COLUMN project_identity.identity_key IS '跨年度项目身份键 / Identity shared by the years of one project';
COMMENT ON COLUMN project_identity.link_method IS '关联方式 code/name/fuzzy/confirmed/single / How the row was linked';
COMMENT ON COLUMN project_identity.link_score IS '关联得分 0–1 / Link score';

CREATE TABLE IF NOT EXISTS project_source_text (
    document_id BIGINT NOT NULL,
    project_key BIGINT NOT NULL,
    first_line  INTEGER,
    last_line   INTEGER,
    text        VARCHAR
);
COMMENT ON TABLE project_source_text IS '项目原文（载入时保存的文件行）/ Document lines of each project, stored at load';
COMMENT ON COLUMN project_source_text.document_id IS '来源文件 → source_document / Source document';
COMMENT ON COLUMN project_source_text.project_key IS '项目 → dim_project / Project';
COMMENT ON COLUMN project_source_text.first_line IS '起始行号 / First line';
COMMENT ON COLUMN project_source_text.last_line IS '结束行号 / Last line';
COMMENT ON COLUMN project_source_text.text IS '原文（表格单元以制表符分隔）/ Text, table cells tab-separated';
