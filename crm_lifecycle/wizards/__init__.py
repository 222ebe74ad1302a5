from . import crm_lifecycle_wizard
from . import crm_partner_merge_wizard
from . import crm_partner_import
from . import crm_duplicate_rule_wizard
from . import crm_campaign_move_calls
