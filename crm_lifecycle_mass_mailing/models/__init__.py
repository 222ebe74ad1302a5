from . import res_partner
from . import crm_campaign
from . import mail_mass_mailing
