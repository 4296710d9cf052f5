//! Word lists the spotter consults. These are about English prose, not about
//! any corpus: months and weekdays, titles that precede a person's name,
//! common words that are also the names of towns, and the nouns that frame a
//! place ("province", "area", "border").

/// Months, weekdays and other calendar words: never places.
pub const CALENDAR: &[&str] = &[
    "january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
    "november", "december", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov",
    "dec", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "ramadan", "eid",
    "christmas", "easter",
];

/// Adjectives and group names that some gazetteer lists as a town: never places.
pub const NEVER: &[&str] = &[
    "sunni", "sunnis", "shia", "shiite", "shiites", "kurdish", "arab", "arabs", "muslim", "muslims",
    "christian", "christians", "yazidi", "yazidis", "turkmen", "assyrian", "alawite", "druze", "jihadist",
    "jihadists", "islamist", "islamists", "salafi", "baathist",
];

/// Words that precede a person's name.
pub const TITLES: &[&str] = &[
    "mr", "mrs", "ms", "miss", "dr", "prof", "professor", "president", "minister", "general", "gen", "col",
    "colonel", "lt", "lieutenant", "maj", "major", "capt", "captain", "sgt", "sergeant", "sheikh", "shaikh",
    "imam", "ayatollah", "king", "queen", "prince", "princess", "sir", "lord", "lady", "judge", "justice",
    "senator", "sen", "rep", "representative", "governor", "gov", "mayor", "commander", "spokesman",
    "spokeswoman", "spokesperson", "secretary", "chairman", "chief", "pope", "saint", "father", "brother",
    "sister", "uncle", "aunt", "coach", "officer", "detective", "deputy", "director", "ambassador", "emir",
    "mullah", "abu", "umm", "bin", "ibn", "mp", "st",
];

/// Capitalised words that are also the names of some town somewhere but are
/// far more often ordinary English (or news) words.
pub const COMMON: &[&str] = &[
    "a", "an", "the", "of", "on", "in", "at", "to", "as", "is", "it", "be", "by", "or", "and", "but", "if",
    "we", "he", "she", "they", "you", "i", "me", "my", "our", "his", "her", "its", "their", "this", "that",
    "these", "those", "there", "here", "when", "where", "what", "who", "why", "how", "after", "before",
    "during", "while", "since", "until", "late", "early", "later", "earlier", "last", "next", "new", "old",
    "other", "another", "some", "many", "most", "more", "much", "few", "all", "both", "each", "every", "no",
    "not", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "first", "second",
    "third", "also", "although", "however", "meanwhile", "according", "officials", "police", "security",
    "army", "forces", "government", "ministry", "state", "states", "islamic", "national", "federal",
    "central", "reading", "mobile", "eagle", "hope", "victoria", "liberty", "union", "independence",
    "mission", "orange", "split", "nice", "bath", "sale", "deal", "bristol", "chester", "hull", "worth",
    "mount", "university", "college", "school", "church", "center", "centre", "city", "town", "county",
    "village", "district", "province", "region", "area", "street", "road", "avenue", "park", "lake",
    "river", "beach", "island", "valley", "hill", "hills", "springs", "falls", "bay", "port", "fort",
    "church", "hospital", "airport", "station", "bridge", "market", "square", "court", "house", "hall",
    "north", "south", "east", "west", "northern", "southern", "eastern", "western", "upper", "lower",
    "great", "little", "big", "long", "high", "green", "white", "black", "red", "blue", "gold", "golden",
    "silver", "rock", "stone", "wood", "woods", "field", "fields", "grove", "garden", "gardens", "home",
    "good", "best", "fair", "grand", "royal", "god", "allah", "jesus", "man", "men", "woman", "women",
    "people", "family", "friends", "love", "peace", "war", "news", "press", "post", "times", "daily",
    "world", "media", "video", "film", "report", "sources", "source", "statement", "attack", "attacks",
    "fire", "fires", "death", "life", "time", "day", "week", "month", "year", "today", "tonight",
    "yesterday", "tomorrow", "morning", "evening", "night", "spring", "summer", "autumn", "fall", "winter",
    "health", "office", "department", "council", "committee", "association", "company", "group", "party",
    "club", "team", "league", "board", "commission", "agency", "service", "services", "bank", "fund",
    "general", "public", "social", "human", "rights", "watch", "international", "global", "local",
    "democratic", "republican", "democrats", "republicans", "congress", "senate", "parliament",
    "supreme", "justice", "law", "order", "american", "british", "french", "english", "european",
    "obama", "trump", "bush", "clinton", "kennedy", "lincoln", "washington", "jackson",
    "franklin", "madison", "jefferson", "hamilton", "marshall", "wilson", "taylor", "scott", "lee",
    "king", "young", "may", "june", "august", "chase", "faith", "grace", "joy", "unity", "paradise",
    "eden", "zion", "bethel", "salem", "canaan", "goshen", "sharon", "florence",
    "homer", "dublin",
    "nazareth",
    "amber", "crystal", "ruby", "pearl",
    "diamond", "jade", "olive", "holly", "ivy", "iris", "lily", "rose", "daisy", "violet", "dawn", "eve",
    "christian", "christians", "muslim", "muslims", "jewish", "catholic", "protestant", "sunni", "shia",
    "shiite", "kurdish", "kurds", "arab", "arabs", "turkish", "iranian", "iraqi", "syrian", "russian",
    "covid", "coronavirus", "virus", "ebola", "flu", "influenza", "sars", "zika", "hiv", "aids", "bird",
    "swine", "pandemic", "epidemic", "outbreak", "vaccine", "health", "disease", "cases", "case",
    "hashd", "shaabi", "daesh", "isis", "isil", "peshmerga", "telegram", "twitter", "facebook",
    "youtube", "reuters", "afp", "ap", "bbc", "cnn", "premier", "prime", "lead", "inspector", "budget",
    "guard", "guards", "brigade", "brigades", "battalion", "division", "corps", "coalition", "operation",
    "operations", "command", "task", "force", "defense", "defence", "interior", "affairs", "foreign",
    "mobilization", "mobilisation", "popular", "units", "fighters", "militants", "militia", "militias",
];

/// Words before a name that make it a location ("in Khanaqin").
pub const LOCATIVE: &[&str] = &[
    "in", "near", "outside", "at", "from", "to", "into", "across", "around", "throughout", "towards",
    "toward", "through", "within", "inside", "between", "via", "across", "outskirts", "off", "on",
];

/// Direction words that qualify an area ("northern Diyala").
pub const DIRECTIONS: &[&str] = &[
    "northern", "southern", "eastern", "western", "central", "northeastern", "northwestern",
    "southeastern", "southwestern", "north-eastern", "north-western", "south-eastern", "south-western",
    "north", "south", "east", "west", "northeast", "northwest", "southeast", "southwest", "upper", "lower",
];

/// Nouns after a name that make it an administrative area.
pub const ADMIN_NOUNS: &[&str] = &[
    "province", "governorate", "district", "subdistrict", "region", "county", "state", "prefecture",
    "municipality", "department", "oblast", "muhafazat", "qada", "qadha", "nahiya", "canton",
];

/// Nouns after a name that make it a site or small place ("Zaghniya police station").
pub const SITE_NOUNS: &[&str] = &[
    "village", "town", "city", "area", "neighbourhood", "neighborhood", "district", "camp", "prison",
    "checkpoint", "station", "base", "airport", "airbase", "bridge", "dam", "crossing", "border", "road",
    "highway", "market", "mosque", "hospital", "field", "fields", "desert", "mountains", "mountain",
    "valley", "river", "lake", "island", "islands", "oilfield", "refinery", "outpost", "post", "quarter",
    "square", "street", "suburb", "outskirts", "plain", "plains", "basin", "hills", "range", "region",
];

/// Is `w` (lower case) in `list`?
pub fn is_in(list: &[&str], w: &str) -> bool {
    list.contains(&w)
}
