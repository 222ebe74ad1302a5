from . import crm_customer_activity_wizard
