"""Goal review (绩效目标审核): 20 rules over the normalized goal record, graded 优/良/中/差.

Thresholds, severities and the grade policy are in data/review_rules.toml; the rules and
the policy are documented in docs/goal_review.md.
"""

from etl.review.catalog import RULES
from etl.review.config import ConfigError, load_config
from etl.review.engine import review_record
from etl.review.grading import roll_up

__all__ = ["RULES", "ConfigError", "load_config", "review_record", "roll_up"]
