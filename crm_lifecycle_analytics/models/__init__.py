from . import res_config_settings
from . import crm_clv_model
from . import crm_customer_metrics
from . import crm_customer_snapshot
from . import res_partner
from . import crm_campaign
from . import crm_staff_performance
from . import crm_staff_target
