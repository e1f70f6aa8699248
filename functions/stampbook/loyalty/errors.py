"""What the engine refuses, in the business's words."""

from __future__ import annotations


class LoyaltyError(Exception):
    """A request the programme's rules do not allow; nothing was changed."""

    code = "loyalty_error"


class WrongCurrency(LoyaltyError):
    code = "wrong_currency"


class UnknownOrder(LoyaltyError):
    code = "unknown_order"


class RefundTooLarge(LoyaltyError):
    code = "refund_too_large"


class RefundBeforePurchase(LoyaltyError):
    code = "refund_before_purchase"


class UnknownReward(LoyaltyError):
    code = "unknown_reward"


class NotEnoughPoints(LoyaltyError):
    code = "not_enough_points"


class InvalidAdjustment(LoyaltyError):
    code = "invalid_adjustment"
