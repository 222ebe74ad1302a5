from . import test_res_config_settings
