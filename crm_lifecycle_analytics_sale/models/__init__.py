from . import crm_customer_metrics
from . import crm_retention_month
from . import crm_segment_category
