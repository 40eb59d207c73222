"""The one definition of the ZCL cluster and attribute ids the gateway, the virtual meters
and the installer use: zigpy's own cluster definitions (their AttributeDefs), completed for
Smart Energy by shared/han/se_clusters.py. Code names attributes; ids come from here."""

from __future__ import annotations

from typing import Any, Final

from zigpy.zcl import Cluster
from zigpy.zcl.clusters.general import Basic, Identify, Time
from zigpy.zcl.clusters.smartenergy import Metering

from han_home.shared.han.se_clusters import Messaging, Prepayment, Price

BASIC_CLUSTER: Final[int] = Basic.cluster_id
IDENTIFY_CLUSTER: Final[int] = Identify.cluster_id
TIME_CLUSTER: Final[int] = Time.cluster_id
METERING_CLUSTER: Final[int] = Metering.cluster_id
PRICE_CLUSTER: Final[int] = Price.cluster_id
MESSAGING_CLUSTER: Final[int] = Messaging.cluster_id
PREPAYMENT_CLUSTER: Final[int] = Prepayment.cluster_id

BasicAttr = Basic.AttributeDefs
MeteringAttr = Metering.AttributeDefs
PriceAttr = Price.AttributeDefs
PrepaymentAttr = Prepayment.AttributeDefs


def attribute_table(cluster: type[Cluster], **values: Any) -> dict[int, Any]:
    """{attribute id: value} from attribute names; a misspelt name fails at once."""
    return {cluster.attributes_by_name[name].id: value for name, value in values.items()}


def attribute_id(cluster: type[Cluster], name: str) -> int:
    return int(cluster.attributes_by_name[name].id)
