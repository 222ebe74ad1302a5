from . import crm_touchpoint
from . import rating_rating
