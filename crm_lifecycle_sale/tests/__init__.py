from . import test_sale_order
from . import test_merge_orders
from . import test_cross_sell_campaign
