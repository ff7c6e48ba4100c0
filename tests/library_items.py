"""The 50 items of the test media library that `library_media` writes: the `LibraryItem` record and the
`ITEMS` tuple (40 stills, then 10 clips), built by `_s` (a still) and `_f` (footage). Each item gives its
file name, the description and tags for its sidecar, its licence ("" for none), the query a writer might
type for it, and for a clip of two shots the description of each shot; `ITEMS`' order is the order the
library is written and measured in.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class LibraryItem:
    name: str  # file name: "rocket-dawn.png" (still) or "ocean-waves.mp4" (footage)
    kind: str  # "still" or "footage"
    description: str  # written to the sidecar
    query: str  # a writer's paraphrase of the description
    licence: str  # "" = none given (the sidecar omits it)
    tags: tuple[str, ...] = ()
    shot_descriptions: tuple[str, ...] = ()  # for a clip of more than one shot, each shot in order

    @property
    def stem(self) -> str:
        return Path(self.name).stem


# --- the items --------------------------------------------------------------------------------------

def _s(name, description, query, tags, licence="CC0-1.0"):
    return LibraryItem(f"{name}.png", "still", description, query, licence, tuple(tags.split(", ")))


def _f(name, description, query, tags, licence="CC0-1.0", shots=()):
    return LibraryItem(f"{name}.mp4", "footage", description, query, licence, tuple(tags.split(", ")), tuple(shots))


ITEMS: tuple[LibraryItem, ...] = (
    _s("rocket-dawn", "a rocket on the launch pad at dawn, wide shot",
       "wide view of the booster waiting on its pad for liftoff as the sun comes up",
       "space, launch, morning"),
    _s("cafe-rain-window", "rain on a café window at night",
       "droplets streaking down the glass of a coffee shop after dark",
       "weather, city, mood", "CC-BY-4.0"),
    _s("harbour-night", "fishing boats moored in a harbour at night under harbour lights",
       "trawlers tied up at the quay after dark, lamps reflecting on the water",
       "sea, port, night"),
    _s("harbour-morning", "sailboats in a calm harbour at sunrise with seagulls overhead",
       "gulls circling yachts in the port as day breaks over still water",
       "sea, port, morning", "public domain"),
    _s("forest-autumn", "an autumn forest path covered in orange and red leaves",
       "a trail through the woods carpeted with fallen golden foliage in the fall",
       "nature, trees, season"),
    _s("forest-snow", "a pine forest in deep snow under a grey winter sky",
       "conifers blanketed in white on an overcast, freezing day",
       "nature, trees, cold", "CC-BY-4.0"),
    _s("desert-dunes", "sand dunes in the desert under a blazing midday sun",
       "endless rippled sand of the Sahara, scorching heat at noon",
       "landscape, heat, dry"),
    _s("city-skyline-night", "a city skyline at night with lit skyscrapers",
       "downtown towers glowing against the dark, the metropolis after sundown",
       "urban, buildings, night"),
    _s("mountain-lake", "a mountain lake reflecting snowy peaks on a clear day",
       "alpine summits mirrored in still water under blue skies",
       "landscape, alps, water", "CC-BY-4.0"),
    _s("beach-sunset", "a tropical beach at sunset with palm trees",
       "palms silhouetted on the shore as the evening sun sinks into the sea",
       "coast, evening, holiday"),
    _s("title-card", "a black title card with white text reading THE END",
       "final frame: the words THE END in white lettering on black",
       "graphics, text, ending", "public domain"),
    _s("chapter-card", "an old parchment title card reading Chapter One in ornate lettering",
       "aged yellowed paper with fancy script announcing the first section of the story",
       "graphics, text, vintage", "public domain"),
    _s("moon-craters", "a full moon with visible craters in a black sky",
       "the lunar surface, pockmarked and glowing bright in the darkness",
       "space, night, astronomy"),
    _s("starfield", "a starry night sky over a dark field, the Milky Way overhead",
       "the galaxy stretching above a meadow, countless stars glittering",
       "space, night, astronomy", "CC-BY-4.0"),
    _s("lighthouse-storm", "a lighthouse on a rocky cliff during a storm with huge waves",
       "a beacon tower on the crag battered by crashing surf in a gale",
       "coast, weather, danger"),
    _s("farm-field", "a red barn beside a golden wheat field in summer",
       "countryside farmstead, ripe grain stretching away on a hot July afternoon",
       "rural, farming, summer"),
    _s("hospital-corridor", "an empty hospital corridor with fluorescent lights",
       "a deserted clinic hallway lit by flickering overhead tubes",
       "interior, medical, empty"),
    _s("office-desk", "a cluttered office desk with a laptop and a coffee cup",
       "a messy workstation, a computer open next to a mug",
       "interior, work, business", "CC-BY-4.0"),
    _s("classroom-chalkboard", "an empty classroom with a chalkboard full of equations",
       "a school room with no students, maths formulas scrawled on the blackboard",
       "interior, school, education"),
    _s("subway-tunnel", "a dark subway tunnel with rails leading into the distance",
       "underground metro tracks vanishing into blackness",
       "transport, underground, dark"),
    _s("kitchen-morning", "a sunny kitchen with breakfast on the table in the morning",
       "early daylight over a family meal of toast and eggs at home",
       "interior, home, food", "public domain"),
    _s("library-shelves", "tall wooden bookshelves in an old library",
       "rows of ancient volumes stacked floor to ceiling in a reading room",
       "interior, books, study"),
    _s("factory-interior", "the interior of a factory with machinery and conveyor belts",
       "an industrial plant floor, assembly lines and heavy equipment",
       "industry, work, machines", "CC-BY-4.0"),
    _s("wind-turbines", "wind turbines on green hills under a blue sky",
       "a row of windmills generating power on grassy slopes",
       "energy, landscape, green"),
    _s("volcano-eruption", "a volcano erupting with lava and ash at night",
       "molten rock spewing from a crater, the smoke plume lit red in the darkness",
       "nature, disaster, fire"),
    _s("waterfall-jungle", "a waterfall in a lush tropical jungle",
       "water cascading down a cliff in the rainforest",
       "nature, water, green", "public domain"),
    _s("bridge-fog", "a suspension bridge disappearing into thick fog",
       "the span of a big cable bridge swallowed by mist",
       "city, weather, grey"),
    _s("traffic-jam", "a traffic jam at dusk, lanes of cars at a standstill with red tail lights",
       "gridlocked commuters stuck bumper to bumper on the motorway, a sea of brake lights as evening falls",
       "transport, road, evening", "CC-BY-4.0"),
    _s("neon-alley", "a narrow alley lit by pink and blue neon signs",
       "a cramped backstreet glowing with colourful electric signage, a cyberpunk mood",
       "city, night, colour"),
    _s("church-interior", "a cathedral interior with stained glass windows",
       "inside a gothic church, light pouring through coloured panes",
       "interior, religion, architecture"),
    _s("graveyard-fog", "an old graveyard with tombstones in mist",
       "a foggy cemetery, crooked headstones, an eerie atmosphere",
       "horror, night, grey", "public domain"),
    _s("space-earth", "the planet Earth seen from orbit, blue oceans and white clouds",
       "our home world as astronauts see it, floating in the void",
       "space, planet, orbit"),
    _s("chess-board", "a chess board mid-game with a knight in the foreground",
       "close-up of pieces on a checkered board during a match, the horse piece nearest the camera",
       "game, strategy, close-up", "CC-BY-4.0"),
    _s("clock-tower", "a clock tower showing midnight",
       "an old tower's dial with both hands pointing to twelve at night",
       "time, city, night", ""),
    _s("parking-lot-empty", "an empty parking lot at night under orange street lamps",
       "a deserted car park after dark lit by sodium lights",
       "urban, night, empty"),
    _s("sunflower-field", "a field of sunflowers under a summer sky",
       "rows of tall yellow blooms facing the sun in the countryside",
       "rural, flowers, summer", "public domain"),
    _s("ice-arctic", "icebergs floating in the Arctic ocean",
       "a frozen polar sea with drifting chunks of glacier",
       "nature, cold, water"),
    _s("map-old", "an antique treasure map on a wooden table",
       "a weathered pirate chart showing where the gold is buried",
       "adventure, props, vintage", ""),
    _s("computer-code", "a computer screen full of green code in a dark room",
       "a monitor scrolling lines of programming text glowing in the darkness",
       "technology, hacker, screen", "CC-BY-4.0"),
    _s("birthday-cake", "a birthday cake with lit candles on a dark table",
       "a party dessert with small flames flickering on top, celebrating someone turning a year older",
       "celebration, food, party"),
    _f("ocean-waves", "waves rolling onto a sandy shore in slow motion",
       "breakers sliding up the beach, filmed slowed down",
       "sea, coast, calm"),
    _f("clouds-timelapse", "a time-lapse of white clouds racing across a blue sky",
       "sped-up footage of puffy cumulus drifting fast overhead",
       "weather, sky, time"),
    _f("highway-night-drive", "point of view from a car driving down an empty road at night as streetlights pass",
       "first-person view from behind the wheel cruising the motorway after dark, lamps sweeping by",
       "transport, road, night", "CC-BY-4.0"),
    _f("fireplace", "a crackling fire burning in a fireplace",
       "flames dancing in the hearth on a cosy evening",
       "interior, warmth, home"),
    _f("snowfall", "snow falling gently against a dark background",
       "flakes drifting down slowly through the darkness",
       "weather, winter, cold", "public domain"),
    _f("train-platform", "a crowded train platform at rush hour",
       "commuters packing the station as the evening peak hits",
       "transport, people, city"),
    _f("film-countdown", "a film leader countdown from 5 to 1 on a grey background",
       "old-fashioned cinema numbers ticking down before the reel starts",
       "graphics, vintage, cinema", "CC-BY-4.0"),
    _f("forest-aerial", "an aerial drone shot flying over a green forest canopy",
       "camera soaring high above dense woodland, treetops passing far below",
       "nature, trees, aerial"),
    _f("sunset-then-city", "a sunset over the sea, then a cut to a busy city street at night",
       "the sun going down on the ocean, followed by a hard cut to bustling downtown after dark",
       "evening, sea, urban", "public domain",
       shots=("a sunset over the sea", "a busy city street at night")),
    _f("reef-then-road", "fish swimming over a coral reef, then a cut to an empty desert road in the heat",
       "tropical fish darting around underwater, cutting to a deserted highway through arid, sun-baked land",
       "underwater, travel, heat",
       shots=("fish swimming over a coral reef", "an empty desert road in the heat")),
)
