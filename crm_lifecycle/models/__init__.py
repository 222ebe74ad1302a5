from . import crm_touchpoint_channel
from . import res_config_settings
