from . import test_survey
