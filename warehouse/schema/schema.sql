-- Warehouse schema, declared once. Applied by warehouse/schema/ddl.py to every new warehouse.
-- Column descriptions are NOT written here: every column's Chinese label and meaning live once
-- in data/fields.toml (the field registry, warehouse/schema/fields.py), which writes the column
-- COMMENTs and docs/data_dictionary.md (python -m warehouse dictionary).
-- schema_version: 2
-- Keys are md5-based BIGINTs (warehouse/schema/keys.py). Uniqueness and referential integrity are
-- enforced by warehouse/load/checks.sql after every load, not by index constraints (fast bulk
-- deletes and inserts).

CREATE TABLE warehouse_meta (
    key   VARCHAR NOT NULL,
    value VARCHAR
);
COMMENT ON TABLE warehouse_meta IS '仓库元数据（结构版本、分类规则摘要）/ Warehouse metadata: schema version, rule digests';

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

CREATE TABLE dim_fiscal_year (
    fiscal_year INTEGER NOT NULL,
    label       VARCHAR,
    start_date  DATE,
    end_date    DATE
);
COMMENT ON TABLE dim_fiscal_year IS '预算年度维度 / Fiscal year dimension';

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

CREATE TABLE goal_review_project (
    project_key BIGINT NOT NULL,
    document_id BIGINT NOT NULL,
    grade       VARCHAR,
    score       DOUBLE
);
COMMENT ON TABLE goal_review_project IS '绩效目标审核：项目等级 / Goal review grade per project';

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

CREATE TABLE reject (
    path        VARCHAR NOT NULL,
    sha256      VARCHAR,
    reason      VARCHAR,
    rejected_at TIMESTAMP,
    run_id      INTEGER
);
COMMENT ON TABLE reject IS '被拒绝的文件（每个路径保留最近一次；成功载入后删除）/ Rejected files: latest attempt per path, removed once the file loads';

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

-- Derived tables behind the cross-year views and the project card: filled at every load by
-- warehouse/load/derived.py (identity.py, source_text.py); not facts, rebuilt from them.
CREATE TABLE IF NOT EXISTS project_identity (
    project_key  BIGINT NOT NULL,
    identity_key BIGINT NOT NULL,
    link_method  VARCHAR,
    link_score   DOUBLE
);
COMMENT ON TABLE project_identity IS '项目跨年度身份（同一项目各年度共用 identity_key）/ Project identity across fiscal years';

CREATE TABLE IF NOT EXISTS project_source_text (
    document_id BIGINT NOT NULL,
    project_key BIGINT NOT NULL,
    first_line  INTEGER,
    last_line   INTEGER,
    text        VARCHAR
);
COMMENT ON TABLE project_source_text IS '项目原文（载入时保存的文件行）/ Document lines of each project, stored at load';

-- Reference data: the goal-review rule catalogue (etl/review/catalog.py), written by
-- warehouse/schema/rule_catalog.py when the schema is created and whenever the catalogue
-- changes, so that readers (the dashboard, SQL users) get rule titles from the warehouse.
CREATE TABLE IF NOT EXISTS review_rule (
    rule_id   VARCHAR NOT NULL,
    slug      VARCHAR,
    title     VARCHAR,
    dimension VARCHAR,
    hint      VARCHAR
);
COMMENT ON TABLE review_rule IS '审核规则目录（规则编号、名称、审核维度、默认修改建议）/ Goal-review rule catalogue';
