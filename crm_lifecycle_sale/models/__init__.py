from . import crm_touchpoint
from . import sale_order
from . import crm_campaign
