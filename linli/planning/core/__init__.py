"""Pure computation core of the life-circle health check (numpy, scipy, osmium only).

No Django import may appear anywhere in this package.
"""

from .access import (
    NearestResult,
    SharedAccess,
    count_within,
    distances_within,
    nearest_by_group,
    nearest_source,
    node_distances,
    prepare_access,
)
from .analysis import (
    Analysis,
    CategoryCoverage,
    CommunityCoverage,
    Gap,
    SupplyIndex,
    analyse,
    supply_index,
    weighted_share,
)
from .city import CitySummary, ClassSummary, ItemSummary, city_summary, community_row
from .errors import (
    EmptyNetworkError,
    InputError,
    NetworkError,
    PlanningError,
    RulesError,
    SnapError,
    SolverError,
)
from .geo import LocalProjection, points_in_polygon, polygon_centroid
from .inputs import Buildings, Communities, Facilities, read_buildings, read_communities, read_facilities
from .network import (
    DroppedReport,
    WalkNetwork,
    build_network,
    is_walkable,
    load_geojson_network,
    load_network,
    load_osm,
)
from .rules import (
    DEFAULT_RULES_PATH,
    AgeBand,
    AgeGroup,
    CategoryRule,
    Composite,
    FacilityClass,
    LifeCircle,
    Rules,
    load_rules,
    parse_rules,
)
from .runner import PlanResult, SitingRequest, run_plan, run_siting, sha256_file, siting_dict
from .siting import (
    MclpSolution,
    MemberCoverage,
    ReducedMclp,
    SetCoverSolution,
    SiteContribution,
    SitingResult,
    greedy_mclp,
    lp_bound_mclp,
    plan_sites,
    reduce_mclp,
    solve_mclp,
    solve_set_cover,
)
from .snap import DEFAULT_MAX_SNAP_M, Snapped, snap_lonlat, snap_xy

__all__ = [
    "DEFAULT_MAX_SNAP_M", "DEFAULT_RULES_PATH", "AgeBand", "AgeGroup", "Analysis", "Buildings", "CategoryCoverage",
    "CategoryRule", "CitySummary", "ClassSummary", "Communities", "CommunityCoverage", "Composite", "DroppedReport",
    "EmptyNetworkError", "Facilities", "FacilityClass", "Gap", "InputError", "ItemSummary", "LifeCircle",
    "LocalProjection", "MclpSolution", "MemberCoverage", "NearestResult", "NetworkError", "PlanResult",
    "PlanningError", "ReducedMclp", "Rules", "RulesError", "SetCoverSolution", "SharedAccess", "SiteContribution",
    "SitingRequest", "SitingResult", "SnapError", "Snapped", "SolverError", "SupplyIndex", "WalkNetwork", "analyse",
    "build_network", "city_summary", "community_row", "count_within", "distances_within", "greedy_mclp", "is_walkable",
    "load_geojson_network", "load_network", "load_osm", "load_rules", "lp_bound_mclp", "nearest_by_group",
    "nearest_source", "node_distances", "parse_rules", "plan_sites", "points_in_polygon", "polygon_centroid",
    "prepare_access", "read_buildings", "read_communities", "read_facilities", "reduce_mclp", "run_plan", "run_siting",
    "sha256_file", "siting_dict", "snap_lonlat", "snap_xy", "solve_mclp", "solve_set_cover", "supply_index",
    "weighted_share",
]  # fmt: skip
