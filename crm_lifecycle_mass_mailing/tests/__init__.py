from . import test_campaign_mailing
