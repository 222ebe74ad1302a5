from . import test_cross_sell
