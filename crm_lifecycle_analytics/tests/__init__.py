from . import test_res_config_settings
from . import test_stats_clv
from . import test_stats_rfm
from . import test_stats_uplift
from . import test_customer_metrics
from . import test_pgcopy
from . import test_campaign_judgement
from . import test_staff_performance
