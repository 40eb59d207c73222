"""Smart Energy clusters zigpy 2.4 leaves empty: Price, Messaging, Prepayment.

Attribute and command numbers follow the ZigBee Smart Energy Standard 1.2
(document 07-5356) as far as this project uses them; ids marked (verify) were taken
from secondary descriptions. Defining a subclass with the same cluster_id replaces
zigpy's empty class in its cluster registry, so every endpoint created after this
module is imported (gateway side and virtual devices alike) uses these definitions.
"""

from __future__ import annotations

from typing import Final

import zigpy.types as t
from zigpy.zcl import foundation
from zigpy.zcl.clusters import smartenergy
from zigpy.zcl.foundation import (
    BaseAttributeDefs,
    BaseCommandDefs,
    ZCLAttributeDef,
    ZCLCommandDef,
)

SE_PROFILE_ID: Final = 0x0109
GBP_ISO4217: Final = 826


class Utf8CharacterString(t.CharacterString):
    """ZCL character string whose length prefix counts UTF-8 bytes.

    zigpy's CharacterString prefixes the number of *characters*, which mis-frames any
    text with a non-ASCII letter (Welsh ŵ, ŷ, â; the pound sign). Seed IN.3 asks for
    Unicode text end to end, so supplier messages use this type.
    """

    def serialize(self) -> bytes:
        if self.invalid:
            return b"\xff"
        raw = self.encode("utf-8")
        if len(raw) >= 0xFF:
            raise ValueError("Message text is longer than 254 bytes")
        return bytes([len(raw)]) + raw


class Price(smartenergy.Price):
    """Price server (0x0700): tariff, block thresholds, standing charge, calorific value."""

    class AttributeDefs(BaseAttributeDefs):
        tier1_price_label: Final = ZCLAttributeDef(id=0x0000, type=Utf8CharacterString)
        tier2_price_label: Final = ZCLAttributeDef(id=0x0001, type=Utf8CharacterString)
        tier3_price_label: Final = ZCLAttributeDef(id=0x0002, type=Utf8CharacterString)
        tier4_price_label: Final = ZCLAttributeDef(id=0x0003, type=Utf8CharacterString)
        block1_threshold: Final = ZCLAttributeDef(id=0x0100, type=t.uint48_t)
        block2_threshold: Final = ZCLAttributeDef(id=0x0101, type=t.uint48_t)
        block3_threshold: Final = ZCLAttributeDef(id=0x0102, type=t.uint48_t)
        block_threshold_count: Final = ZCLAttributeDef(id=0x010F, type=t.uint8_t)
        start_of_block_period: Final = ZCLAttributeDef(id=0x0200, type=t.UTCTime)
        block_period_duration: Final = ZCLAttributeDef(id=0x0201, type=t.uint24_t)
        threshold_multiplier: Final = ZCLAttributeDef(id=0x0202, type=t.uint24_t)
        threshold_divisor: Final = ZCLAttributeDef(id=0x0203, type=t.uint24_t)
        commodity_type: Final = ZCLAttributeDef(id=0x0300, type=t.enum8)
        standing_charge: Final = ZCLAttributeDef(id=0x0301, type=t.uint32_t)
        conversion_factor: Final = ZCLAttributeDef(id=0x0302, type=t.uint32_t)
        conversion_factor_trailing_digit: Final = ZCLAttributeDef(id=0x0303, type=t.uint8_t)
        calorific_value: Final = ZCLAttributeDef(id=0x0304, type=t.uint32_t)
        calorific_value_unit: Final = ZCLAttributeDef(id=0x0305, type=t.enum8)
        calorific_value_trailing_digit: Final = ZCLAttributeDef(id=0x0306, type=t.uint8_t)
        no_tier_block1_price: Final = ZCLAttributeDef(id=0x0400, type=t.uint32_t)
        no_tier_block2_price: Final = ZCLAttributeDef(id=0x0401, type=t.uint32_t)
        no_tier_block3_price: Final = ZCLAttributeDef(id=0x0402, type=t.uint32_t)
        tier1_block1_price: Final = ZCLAttributeDef(id=0x0410, type=t.uint32_t)
        tier1_block2_price: Final = ZCLAttributeDef(id=0x0411, type=t.uint32_t)
        tier1_block3_price: Final = ZCLAttributeDef(id=0x0412, type=t.uint32_t)
        tier1_block4_price: Final = ZCLAttributeDef(id=0x0413, type=t.uint32_t)
        tier2_block1_price: Final = ZCLAttributeDef(id=0x0420, type=t.uint32_t)
        tier2_block2_price: Final = ZCLAttributeDef(id=0x0421, type=t.uint32_t)
        tier2_block3_price: Final = ZCLAttributeDef(id=0x0422, type=t.uint32_t)
        tier2_block4_price: Final = ZCLAttributeDef(id=0x0423, type=t.uint32_t)
        tier3_block1_price: Final = ZCLAttributeDef(id=0x0430, type=t.uint32_t)
        tier4_block1_price: Final = ZCLAttributeDef(id=0x0440, type=t.uint32_t)
        tariff_label: Final = ZCLAttributeDef(id=0x0610, type=Utf8CharacterString)
        number_of_price_tiers_in_use: Final = ZCLAttributeDef(id=0x0611, type=t.uint8_t)
        number_of_block_thresholds_in_use: Final = ZCLAttributeDef(id=0x0612, type=t.uint8_t)
        unit_of_measure: Final = ZCLAttributeDef(id=0x0615, type=t.enum8)
        currency: Final = ZCLAttributeDef(id=0x0616, type=t.uint16_t)
        price_trailing_digit: Final = ZCLAttributeDef(id=0x0617, type=t.uint8_t)

    class ServerCommandDefs(BaseCommandDefs):
        get_current_price: Final = ZCLCommandDef(id=0x00, schema={"command_options": t.uint8_t})

    class ClientCommandDefs(BaseCommandDefs):
        publish_price: Final = ZCLCommandDef(
            id=0x00,
            schema={
                "provider_id": t.uint32_t,
                "rate_label": Utf8CharacterString,
                "issuer_event_id": t.uint32_t,
                "current_time": t.UTCTime,
                "unit_of_measure": t.uint8_t,
                "currency": t.uint16_t,
                # high nibble: trailing digits; low nibble: price tier
                "price_trailing_digit_and_tier": t.uint8_t,
                # high nibble: tiers in use; low nibble: register tier
                "num_price_tiers_and_register_tier": t.uint8_t,
                "start_time": t.UTCTime,
                "duration_in_minutes": t.uint16_t,
                "price": t.uint32_t,
            },
        )
        # SE 1.1 D.4.2.4.2: a block period begins (its thresholds: the Price attributes)
        publish_block_period: Final = ZCLCommandDef(
            id=0x01,
            schema={
                "provider_id": t.uint32_t,
                "issuer_event_id": t.uint32_t,
                "block_period_start_time": t.UTCTime,
                "block_period_duration_in_minutes": t.uint24_t,
                # high nibble: tiers in use; low nibble: block thresholds in use
                "num_price_tiers_and_num_block_thresholds": t.uint8_t,
                "block_period_control": t.bitmap8,
            },
        )


class Messaging(smartenergy.Messaging):
    """Messaging server (0x0703): supplier text messages to the occupier."""

    class AttributeDefs(BaseAttributeDefs):
        pass

    class ServerCommandDefs(BaseCommandDefs):
        get_last_message: Final = ZCLCommandDef(id=0x00, schema={})
        message_confirmation: Final = ZCLCommandDef(
            id=0x01,
            schema={"message_id": t.uint32_t, "confirmation_time": t.UTCTime},
        )

    class ClientCommandDefs(BaseCommandDefs):
        display_message: Final = ZCLCommandDef(
            id=0x00,
            schema={
                "message_id": t.uint32_t,
                "message_control": t.uint8_t,
                "start_time": t.UTCTime,
                "duration_in_minutes": t.uint16_t,
                "message": Utf8CharacterString,
            },
        )
        cancel_message: Final = ZCLCommandDef(
            id=0x01,
            schema={"message_id": t.uint32_t, "message_control": t.uint8_t},
        )


class CreditStatus(t.bitmap8):
    CREDIT_OK = 0x01
    LOW_CREDIT = 0x02
    EMERGENCY_CREDIT_ENABLED = 0x04
    EMERGENCY_CREDIT_AVAILABLE = 0x08
    EMERGENCY_CREDIT_SELECTED = 0x10
    EMERGENCY_CREDIT_IN_USE = 0x20
    CREDIT_EXHAUSTED = 0x40


class CurrencyScalingFactor(t.enum8):
    """Prepayment 0x0502 (SE 1.4 table D-144): money = raw x 10^(value - 6)."""

    x0_000001 = 0x00
    x0_00001 = 0x01
    x0_0001 = 0x02
    x0_001 = 0x03
    x0_01 = 0x04
    x0_1 = 0x05
    x1 = 0x06
    x10 = 0x07
    x100 = 0x08
    x1000 = 0x09
    x10000 = 0x0A
    x100000 = 0x0B
    x1000000 = 0x0C


def currency_decimals(factor: int) -> int:
    """Decimal places of a Prepayment money value with this Currency Scaling Factor."""
    return 6 - int(factor)


class Prepayment(smartenergy.Prepayment):
    """Prepayment server (0x0705). Money amounts are in the Currency attribute's units
    scaled by the Currency Scaling Factor (the Historical Cost Consumption Information
    set, 0x0500-0x0503). 0x0617 is the Price cluster's Price Trailing Digit, not one of
    the Prepayment cluster's attributes."""

    class AttributeDefs(BaseAttributeDefs):
        payment_control_configuration: Final = ZCLAttributeDef(id=0x0000, type=t.bitmap16)
        credit_remaining: Final = ZCLAttributeDef(id=0x0001, type=t.int32s)
        emergency_credit_remaining: Final = ZCLAttributeDef(id=0x0002, type=t.int32s)
        credit_status: Final = ZCLAttributeDef(id=0x0003, type=CreditStatus)
        credit_remaining_timestamp: Final = ZCLAttributeDef(id=0x0004, type=t.UTCTime)
        accumulated_debt: Final = ZCLAttributeDef(id=0x0005, type=t.int32s)
        emergency_credit_limit_allowance: Final = ZCLAttributeDef(id=0x0010, type=t.uint32_t)
        emergency_credit_threshold: Final = ZCLAttributeDef(id=0x0011, type=t.uint32_t)
        low_credit_warning_level: Final = ZCLAttributeDef(id=0x0031, type=t.uint32_t)
        debt_recovery_amount_per_day: Final = ZCLAttributeDef(id=0x0217, type=t.uint32_t)
        currency_scaling_factor: Final = ZCLAttributeDef(id=0x0502, type=CurrencyScalingFactor)
        currency: Final = ZCLAttributeDef(id=0x0503, type=t.uint16_t)  # ISO 4217

    class ServerCommandDefs(BaseCommandDefs):
        select_available_emergency_credit: Final = ZCLCommandDef(
            id=0x00,
            schema={"command_issue_date_time": t.UTCTime, "originating_device": t.uint8_t},
        )

    class ClientCommandDefs(BaseCommandDefs):
        pass


# Payment control configuration bit 1: the meter runs in prepayment mode.
PREPAYMENT_MODE_BIT: Final = 0x0002

__all__ = [
    "Price",
    "Messaging",
    "Prepayment",
    "CreditStatus",
    "CurrencyScalingFactor",
    "currency_decimals",
    "Utf8CharacterString",
    "SE_PROFILE_ID",
    "GBP_ISO4217",
    "PREPAYMENT_MODE_BIT",
    "foundation",
]

# The Tunneling cluster lives in its own module; importing it here registers it with zigpy
# wherever the other Smart Energy definitions are registered.
from han_home.shared.han import se_tunnel  # noqa: E402,F401
