"""The set-up page's map: the community's boundary and its buildings, coloured by grid."""

from django.utils.translation import gettext as _

from .boundary import outer_rings
from .models import Community
from .svgmap import BUILDING_FILL, MapPoint, MapPolygon, SvgMap


def setup_map(community: Community) -> str:
    """Inline SVG. Each building carries `data-building` (its id) so the page's script can toggle its checkbox."""
    svg = SvgMap(width=800, title=_("Map of %(name)s: buildings coloured by grid") % {"name": community.name})
    svg.outline = list(outer_rings(community.boundary))
    for b in community.buildings.select_related("grid").order_by("pk"):
        colour = b.grid.colour if b.grid else BUILDING_FILL
        label = f"{b.name} · {b.grid.name if b.grid else _('no grid')}"
        if b.footprint and b.footprint.get("type") == "Polygon":
            svg.polygons.append(
                MapPolygon(ring=b.footprint["coordinates"][0], fill=colour, label=label, css_class=f"pick b{b.pk}")
            )
        else:
            svg.points.append(
                MapPoint(
                    lng=b.lng,
                    lat=b.lat,
                    label=label,
                    colour=colour,
                    radius=7,
                    shape="square",
                    css_class=f"pick b{b.pk}",
                )
            )
    return svg.render()
