from . import crm_touchpoint
from . import sale_order
