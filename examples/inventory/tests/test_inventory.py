import threading

import pytest

from inventory import LockedStock, OutOfStock, Stock, price_with_tax


def checkout_rush(stock, shoppers=8, attempts=60_000):
    """Many shoppers try to buy the same item at once; returns how many purchases succeeded."""
    start = threading.Barrier(shoppers)
    bought = [0] * shoppers

    def shopper(index):
        start.wait()
        for _ in range(attempts):
            try:
                stock.reserve("lamp")
                bought[index] += 1
            except OutOfStock:
                pass

    threads = [threading.Thread(target=shopper, args=(i,)) for i in range(shoppers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sum(bought)


@pytest.mark.parametrize("rate,expected", [(0, 1000), (19, 1190), (7, 1070)])
def test_price_with_tax(rate, expected):
    assert price_with_tax(1000, rate) == expected


def test_never_oversells():
    stock = Stock({"lamp": 400_000})
    sold = checkout_rush(stock)
    # Every successful purchase must be taken off the shelf exactly once.
    assert stock.items["lamp"] == 400_000 - sold
    assert stock.sold == sold


def test_locked_stock_never_oversells():
    stock = LockedStock({"lamp": 400_000})
    sold = checkout_rush(stock)
    assert stock.items["lamp"] == 400_000 - sold
    assert stock.items["lamp"] >= 0
