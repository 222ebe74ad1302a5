from . import survey
from . import crm_touchpoint
