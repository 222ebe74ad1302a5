from . import crm_customer_activity_wizard
from . import crm_universal_holdout_report
