//! What kind of ship a vessel is, from its AIS ship type (a code of ITU-R M.1371, or
//! DMA's text for it) or from the vessel type a sanctions list records (`Crude Oil
//! Tanker`, `Tug`, `Yacht`), reduced to the kinds that can contradict each other. No I/O.

use std::fmt;

/// A kind of ship, coarse enough that an AIS type and a list's type can be compared.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ShipKind {
    /// Oil, chemical and gas tankers (AIS 80-89).
    Tanker,
    /// Cargo ships: general cargo, bulk, container, ro-ro, reefer (AIS 70-79).
    Cargo,
    /// Passenger ships and ferries (AIS 60-69).
    Passenger,
    /// Fishing vessels and fish carriers (AIS 30).
    Fishing,
    /// Tugs, towing vessels and port tenders (AIS 31, 32, 52, 53).
    Tug,
    /// Pleasure craft, sailing vessels and yachts (AIS 36, 37).
    Pleasure,
    /// Special-purpose craft: pilot, search and rescue, law enforcement, military,
    /// dredging, diving, anti-pollution, medical, research and supply (AIS 33-35, 50,
    /// 51, 54-59).
    Service,
    /// High-speed craft and wing-in-ground craft (AIS 20-29, 40-49).
    HighSpeed,
    /// "Other type" (AIS 90-99).
    Other,
}

impl ShipKind {
    /// The kind an AIS ship type gives: a code (`52`, `80`; NOAA writes some as `31.0`)
    /// or DMA's text (`Tug`, `Tanker`). `None` for "not available", reserved codes and
    /// anything unrecognised.
    ///
    /// ```
    /// use fleetwatch::model::shiptype::ShipKind;
    /// assert_eq!(ShipKind::from_ais("52"), Some(ShipKind::Tug));
    /// assert_eq!(ShipKind::from_ais("31.0"), Some(ShipKind::Tug));
    /// assert_eq!(ShipKind::from_ais("84"), Some(ShipKind::Tanker));
    /// assert_eq!(ShipKind::from_ais("Pleasure"), Some(ShipKind::Pleasure));
    /// assert_eq!(ShipKind::from_ais("0"), None);
    /// ```
    pub fn from_ais(text: &str) -> Option<Self> {
        let t = text.trim();
        if let Ok(code) = t.strip_suffix(".0").unwrap_or(t).parse::<u16>() {
            return Self::from_code(code);
        }
        Some(match t.to_ascii_lowercase().as_str() {
            "tanker" => Self::Tanker,
            "cargo" => Self::Cargo,
            "passenger" => Self::Passenger,
            "fishing" => Self::Fishing,
            "tug" | "towing" | "towing long/wide" | "port tender" => Self::Tug,
            "pleasure" | "sailing" => Self::Pleasure,
            "pilot"
            | "sar"
            | "law enforcement"
            | "military"
            | "dredging"
            | "diving"
            | "anti-pollution"
            | "medical"
            | "not party to conflict"
            | "ships according to rr" => Self::Service,
            "hsc" | "wig" => Self::HighSpeed,
            "other" => Self::Other,
            _ => return None,
        })
    }

    fn from_code(code: u16) -> Option<Self> {
        Some(match code {
            20..=29 | 40..=49 => Self::HighSpeed,
            30 => Self::Fishing,
            31 | 32 | 52 | 53 => Self::Tug,
            33..=35 | 50 | 51 | 54..=59 => Self::Service,
            36 | 37 => Self::Pleasure,
            60..=69 => Self::Passenger,
            70..=79 => Self::Cargo,
            80..=89 => Self::Tanker,
            90..=99 => Self::Other,
            _ => return None,
        })
    }

    /// The kind a list's vessel type gives (`Crude Oil Tanker`, `LNG Carrier`,
    /// `General Cargo`, `Fishing Vessel`, `Yacht`); `None` when it says nothing a kind
    /// can be read from.
    ///
    /// ```
    /// use fleetwatch::model::shiptype::ShipKind;
    /// assert_eq!(ShipKind::from_list("Chemical/Products Tanker"), Some(ShipKind::Tanker));
    /// assert_eq!(ShipKind::from_list("Offshore Tug/Supply Ship"), Some(ShipKind::Tug));
    /// assert_eq!(ShipKind::from_list("Research Vessel"), Some(ShipKind::Service));
    /// ```
    pub fn from_list(text: &str) -> Option<Self> {
        let t = text.to_ascii_uppercase();
        let has = |words: &[&str]| words.iter().any(|w| t.contains(w));
        Some(if has(&["TANKER", "LNG", "LPG", "GAS CARRIER"]) {
            Self::Tanker
        } else if has(&["FISH", "TRAWLER"]) {
            Self::Fishing
        } else if has(&["TUG", "TOWING"]) {
            Self::Tug
        } else if has(&["YACHT", "PLEASURE", "SAILING"]) {
            Self::Pleasure
        } else if has(&["PASSENGER", "FERRY", "CRUISE"]) {
            Self::Passenger
        } else if has(&[
            "CARGO",
            "BULK",
            "CONTAINER",
            "ROLL-ON",
            "RO-RO",
            "REEFER",
            "REFRIGERATED",
            "HEAVY LIFT",
            "CARRIER",
        ]) {
            Self::Cargo
        } else if has(&[
            "RESEARCH", "SUPPLY", "SERVICE", "SALVAGE", "DREDG", "DRILL", "PIPE", "NAVAL", "FRIGATE", "LANDING",
            "ANCHOR", "OFFSHORE", "PATROL",
        ]) {
            Self::Service
        } else {
            return None;
        })
    }

    /// Tankers and cargo ships: the merchant ships the lists are mostly made of, and
    /// kinds an AIS transmitter may well swap (a tanker set up as "cargo").
    pub fn is_merchant(self) -> bool {
        matches!(self, Self::Tanker | Self::Cargo)
    }

    /// Whether a vessel that broadcast this kind could be a listed vessel of kind
    /// `listed`: the same kind, two merchant kinds, or "other" for a special-purpose
    /// ship (research vessels often broadcast "other").
    pub fn agrees_with(self, listed: Self) -> bool {
        self == listed
            || (self.is_merchant() && listed.is_merchant())
            || (self == Self::Other && listed == Self::Service)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Tanker => "tanker",
            Self::Cargo => "cargo ship",
            Self::Passenger => "passenger ship",
            Self::Fishing => "fishing vessel",
            Self::Tug => "tug",
            Self::Pleasure => "pleasure craft",
            Self::Service => "special-purpose ship",
            Self::HighSpeed => "high-speed craft",
            Self::Other => "other type",
        }
    }
}

impl fmt::Display for ShipKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_ais_code_of_a_kind_is_read() {
        for (codes, kind) in [
            (20..=29, ShipKind::HighSpeed),
            (60..=69, ShipKind::Passenger),
            (70..=79, ShipKind::Cargo),
            (80..=89, ShipKind::Tanker),
            (90..=99, ShipKind::Other),
        ] {
            for c in codes {
                assert_eq!(ShipKind::from_ais(&c.to_string()), Some(kind), "{c}");
            }
        }
        for unknown in ["0", "1", "19", "38", "39", "100", "255", "", "Undefined", "Reserved"] {
            assert_eq!(ShipKind::from_ais(unknown), None, "{unknown}");
        }
    }

    #[test]
    fn dma_texts_are_read() {
        assert_eq!(ShipKind::from_ais("Tanker"), Some(ShipKind::Tanker));
        assert_eq!(ShipKind::from_ais("Towing long/wide"), Some(ShipKind::Tug));
        assert_eq!(ShipKind::from_ais("Law enforcement"), Some(ShipKind::Service));
        assert_eq!(ShipKind::from_ais("Sailing"), Some(ShipKind::Pleasure));
    }

    #[test]
    fn a_tug_or_a_pleasure_craft_is_not_a_tanker_but_a_cargo_ship_may_be() {
        assert!(!ShipKind::Tug.agrees_with(ShipKind::Tanker));
        assert!(!ShipKind::Pleasure.agrees_with(ShipKind::Tanker));
        assert!(!ShipKind::Passenger.agrees_with(ShipKind::Tanker));
        assert!(!ShipKind::Fishing.agrees_with(ShipKind::Tanker));
        assert!(!ShipKind::Other.agrees_with(ShipKind::Tanker));
        assert!(ShipKind::Cargo.agrees_with(ShipKind::Tanker));
        assert!(ShipKind::Pleasure.agrees_with(ShipKind::Pleasure));
        assert!(ShipKind::Other.agrees_with(ShipKind::Service));
    }
}
