//! Agent settings (PRODUCT.md §7): when and where a person takes calls and messages.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::input::E164;

/// An IANA time zone name (`America/New_York`); controls message delivery times.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(transparent)]
pub struct TimeZone(String);

/// A name that is not in the IANA time zone database.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{0:?} is not a time zone; use a name like America/New_York or Europe/Berlin")]
pub struct TimeZoneError(pub String);

impl TimeZone {
    /// Parses an IANA name, as the tz database spells it.
    pub fn parse(input: &str) -> Result<Self, TimeZoneError> {
        let name = input.trim();
        chrono_tz::Tz::from_str(name)
            .map(|tz| TimeZone(tz.name().to_owned()))
            .map_err(|_| TimeZoneError(input.to_owned()))
    }

    /// The zone's name.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Every name [`TimeZone::parse`] accepts, as the tz database lists them.
    pub fn names() -> impl Iterator<Item = &'static str> {
        chrono_tz::TZ_VARIANTS.iter().map(|tz| tz.name())
    }
}

impl Default for TimeZone {
    fn default() -> Self {
        TimeZone("UTC".to_owned())
    }
}

impl fmt::Display for TimeZone {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for TimeZone {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        TimeZone::parse(&String::deserialize(deserializer)?).map_err(serde::de::Error::custom)
    }
}

/// A span of one day, in minutes after local midnight: `start` until just before `end`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct Span {
    #[cfg_attr(feature = "openapi", schemars(range(max = 1440)))]
    pub start: u16,
    #[cfg_attr(feature = "openapi", schemars(range(max = 1440)))]
    pub end: u16,
}

/// A weekly schedule in the person's time zone: for each day, Monday first, its open spans.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct WeeklyHours {
    days: [Vec<Span>; 7],
}

/// Why a schedule is not acceptable.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum HoursError {
    #[error("{0:?} is not a time of day; write it as HH:MM, like 09:30")]
    Time(String),
    #[error("on {day}, {start} is not before {end}")]
    Backwards {
        day: &'static str,
        start: String,
        end: String,
    },
    #[error("on {day}, two spans overlap")]
    Overlap { day: &'static str },
    #[error("a week has seven days, Monday to Sunday")]
    Days,
}

/// The days of a [`WeeklyHours`], in its order.
pub const DAY_NAMES: [&str; 7] = [
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
    "Sunday",
];

fn minutes(text: &str) -> Result<u16, HoursError> {
    let bad = || HoursError::Time(text.to_owned());
    let (h, m) = text.trim().split_once(':').ok_or_else(bad)?;
    if h.len() != 2 || m.len() != 2 {
        return Err(bad());
    }
    let (h, m): (u16, u16) = (h.parse().map_err(|_| bad())?, m.parse().map_err(|_| bad())?);
    // 24:00 closes a day that runs to midnight.
    if m >= 60 || h > 24 || (h == 24 && m != 0) {
        return Err(bad());
    }
    Ok(h * 60 + m)
}

fn clock(minutes: u16) -> String {
    format!("{:02}:{:02}", minutes / 60, minutes % 60)
}

impl WeeklyHours {
    /// Parses seven days, Monday first, each a list of `("09:00", "17:00")` spans.
    pub fn parse(days: &[Vec<(String, String)>]) -> Result<Self, HoursError> {
        if days.len() != 7 {
            return Err(HoursError::Days);
        }
        let mut out = WeeklyHours::default();
        for (d, spans) in days.iter().enumerate() {
            let mut parsed = Vec::with_capacity(spans.len());
            for (start, end) in spans {
                let span = Span {
                    start: minutes(start)?,
                    end: minutes(end)?,
                };
                if span.start >= span.end {
                    return Err(HoursError::Backwards {
                        day: DAY_NAMES[d],
                        start: clock(span.start),
                        end: clock(span.end),
                    });
                }
                parsed.push(span);
            }
            parsed.sort();
            if parsed.windows(2).any(|w| w[0].end > w[1].start) {
                return Err(HoursError::Overlap { day: DAY_NAMES[d] });
            }
            out.days[d] = parsed;
        }
        Ok(out)
    }

    /// Monday to Friday, 09:00 to 17:00.
    pub fn office() -> Self {
        let nine_to_five = vec![Span {
            start: 9 * 60,
            end: 17 * 60,
        }];
        let mut days: [Vec<Span>; 7] = Default::default();
        for day in days.iter_mut().take(5) {
            day.clone_from(&nine_to_five);
        }
        WeeklyHours { days }
    }

    /// Whether the schedule is open on `weekday` (0 = Monday) at `minute` after midnight.
    pub fn is_open(&self, weekday: usize, minute: u16) -> bool {
        self.days
            .get(weekday)
            .is_some_and(|spans| spans.iter().any(|s| s.start <= minute && minute < s.end))
    }

    /// The spans of each day, Monday first.
    pub fn days(&self) -> &[Vec<Span>; 7] {
        &self.days
    }

    /// Each day's spans as `HH:MM` text, Monday first: what [`WeeklyHours::parse`] reads.
    pub fn as_text(&self) -> Vec<Vec<(String, String)>> {
        self.days
            .iter()
            .map(|spans| {
                spans
                    .iter()
                    .map(|s| (clock(s.start), clock(s.end)))
                    .collect()
            })
            .collect()
    }
}

impl<'de> Deserialize<'de> for WeeklyHours {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
        struct Raw {
            days: [Vec<Span>; 7],
        }
        let raw = Raw::deserialize(deserializer)?;
        WeeklyHours::parse(&WeeklyHours { days: raw.days }.as_text())
            .map_err(serde::de::Error::custom)
    }
}

/// When calls may ring through to the person.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[serde(tag = "kind", content = "hours", rename_all = "snake_case")]
pub enum Availability {
    #[default]
    Always,
    Schedule(WeeklyHours),
}

/// A country for phone inputs, as an ISO 3166-1 alpha-2 code (`US`, `GB`).
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(transparent)]
pub struct Country(String);

/// A code that is not two letters.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{0:?} is not a country code; use two letters, like US or GB")]
pub struct CountryError(pub String);

impl Country {
    /// Parses a two-letter code, in either case.
    pub fn parse(input: &str) -> Result<Self, CountryError> {
        let code = input.trim();
        if code.len() == 2 && code.chars().all(|c| c.is_ascii_alphabetic()) {
            Ok(Country(code.to_ascii_uppercase()))
        } else {
            Err(CountryError(input.to_owned()))
        }
    }

    /// The two capital letters.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl Default for Country {
    fn default() -> Self {
        Country("US".to_owned())
    }
}

impl<'de> Deserialize<'de> for Country {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Country::parse(&String::deserialize(deserializer)?).map_err(serde::de::Error::custom)
    }
}

/// The media regions a person's calls can be served from; the nearest one is best.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum ServerLocation {
    #[default]
    UsEast,
    UsWest,
    Europe,
    AsiaPacific,
    SouthAmerica,
}

impl ServerLocation {
    /// Every region, nearest to most people first.
    pub const ALL: [ServerLocation; 5] = [
        ServerLocation::UsEast,
        ServerLocation::UsWest,
        ServerLocation::Europe,
        ServerLocation::AsiaPacific,
        ServerLocation::SouthAmerica,
    ];

    /// The region's name as it travels (`us_east`).
    pub fn as_str(self) -> &'static str {
        match self {
            ServerLocation::UsEast => "us_east",
            ServerLocation::UsWest => "us_west",
            ServerLocation::Europe => "europe",
            ServerLocation::AsiaPacific => "asia_pacific",
            ServerLocation::SouthAmerica => "south_america",
        }
    }

    /// The region in words.
    pub fn label(self) -> &'static str {
        match self {
            ServerLocation::UsEast => "United States, east",
            ServerLocation::UsWest => "United States, west",
            ServerLocation::Europe => "Europe",
            ServerLocation::AsiaPacific => "Asia Pacific",
            ServerLocation::SouthAmerica => "South America",
        }
    }
}

/// One person's agent settings.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct AgentSettings {
    pub time_zone: TimeZone,
    pub business_hours: WeeklyHours,
    pub availability: Availability,
    /// Where their calls ring.
    pub receiving_number: Option<E164>,
    /// Tracking numbers whose calls go to them; a number has at most one such person.
    pub tracking_numbers: Vec<E164>,
    pub default_country: Country,
    pub server_location: ServerLocation,
    pub profile_image: Option<String>,
    /// One of the agency's agent statuses.
    pub agent_status: Option<String>,
    /// Agent groups, from the agency's list; campaigns take a group as a unit.
    pub agent_groups: Vec<String>,
    /// Member of the round-robin lead router (Team plans).
    pub round_robin: bool,
    /// Member of the call broadcast (Team plans).
    pub call_broadcast: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn time_zones_are_iana_names() {
        assert_eq!(
            TimeZone::parse(" America/New_York ").unwrap().as_str(),
            "America/New_York"
        );
        assert!(TimeZone::parse("Europe/Berlin").is_ok());
        assert!(TimeZone::parse("Mars/Olympus_Mons").is_err());
        assert!(TimeZone::parse("EST5EDT; DROP TABLE").is_err());
    }

    #[test]
    fn business_hours_parse_and_answer_when_open() {
        let mut week = vec![vec![]; 7];
        week[0] = vec![
            ("09:00".to_owned(), "12:00".to_owned()),
            ("13:00".into(), "17:30".into()),
        ];
        week[6] = vec![("22:00".to_owned(), "24:00".to_owned())];
        let hours = WeeklyHours::parse(&week).unwrap();
        assert!(hours.is_open(0, 9 * 60));
        assert!(!hours.is_open(0, 12 * 60 + 30), "lunch");
        assert!(
            !hours.is_open(0, 17 * 60 + 30),
            "closed at the end of the span"
        );
        assert!(hours.is_open(6, 23 * 60 + 59));
        assert!(!hours.is_open(1, 10 * 60));
    }

    #[test]
    fn bad_business_hours_say_what_is_wrong() {
        let day = |a: &str, b: &str| {
            let mut week = vec![vec![]; 7];
            week[2] = vec![(a.to_owned(), b.to_owned())];
            WeeklyHours::parse(&week)
        };
        assert!(matches!(day("9:00", "17:00"), Err(HoursError::Time(_))));
        assert!(matches!(
            day("17:00", "09:00"),
            Err(HoursError::Backwards {
                day: "Wednesday",
                ..
            })
        ));
        assert!(matches!(day("09:60", "10:00"), Err(HoursError::Time(_))));
        assert!(matches!(day("24:01", "10:00"), Err(HoursError::Time(_))));
        let mut week = vec![vec![]; 7];
        week[4] = vec![
            ("09:00".to_owned(), "12:00".to_owned()),
            ("11:00".into(), "13:00".into()),
        ];
        assert_eq!(
            WeeklyHours::parse(&week),
            Err(HoursError::Overlap { day: "Friday" })
        );
        assert_eq!(WeeklyHours::parse(&[]), Err(HoursError::Days));
    }

    #[test]
    fn every_listed_time_zone_parses_and_server_locations_travel_by_name() {
        let names: Vec<_> = TimeZone::names().collect();
        assert!(names.len() > 300, "the whole tz database, not a sample");
        assert!(names.contains(&"Europe/Berlin"));
        assert!(names.iter().all(|n| TimeZone::parse(n).is_ok()));
        for location in ServerLocation::ALL {
            let json = serde_json::to_string(&location).unwrap();
            assert_eq!(json, format!("\"{}\"", location.as_str()));
        }
    }

    #[test]
    fn country_codes_are_two_letters() {
        assert_eq!(Country::parse("gb").unwrap(), Country("GB".into()));
        assert!(Country::parse("USA").is_err());
        assert!(Country::parse("1A").is_err());
    }

    #[test]
    fn settings_travel_as_json_and_are_checked_on_the_way_in() {
        let settings = AgentSettings {
            business_hours: WeeklyHours::office(),
            ..AgentSettings::default()
        };
        let json = serde_json::to_string(&settings).unwrap();
        let back: AgentSettings = serde_json::from_str(&json).unwrap();
        assert_eq!(back, settings);
        let bad = json.replace("\"UTC\"", "\"Nowhere/Land\"");
        assert!(serde_json::from_str::<AgentSettings>(&bad).is_err());
    }
}
