from . import crm_customer_metrics
