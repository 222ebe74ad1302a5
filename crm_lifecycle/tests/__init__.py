from . import test_crm_touchpoint_channel
from . import test_res_config_settings
from . import test_security
from . import test_capture
from . import test_ingest
from . import test_backfill
from . import test_touchpoint_security
