from . import test_crm_touchpoint_channel
from . import test_res_config_settings
from . import test_security
