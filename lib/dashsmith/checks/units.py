"""Grafana's unit ids, as its unit picker offers them (packages/grafana-data/src/valueFormats/
categories.ts, Grafana 11/12), and the custom forms it formats ("suffix: tok/s", "currency:CHF").
A unit that is neither is shown by Grafana as literal text after the value."""

from __future__ import annotations

# As the unit picker lists them, a category at a time.
_UNIT_IDS = """
    none string short sishort percent percentunit humidity dB candela hex0x hex sci locale
    pixel accMS2 accFS2 accG degree radian grad arcmin arcsec areaM2 areaF2 areaMI2 acres
    hectares flops mflops gflops tflops pflops eflops zflops yflops ppm conppb conngm3
    conngNm3 conμgm3 conμgNm3 conmgm3 conmgNm3 congm3 congNm3 conmgdL conmmolL currencyUSD
    currencyGBP currencyEUR currencyJPY currencyRUB currencyUAH currencyBRL currencyDKK
    currencyISK currencyNOK currencySEK currencyCZK currencyCHF currencyPLN currencyBTC
    currencymBTC currencyμBTC currencyZAR currencyINR currencyKRW currencyIDR currencyPHP
    currencyVND currencyTRY currencyMYR currencyXPF currencyBGN currencyPYG currencyUYU
    currencyILS bytes decbytes bits decbits kbytes deckbytes mbytes decmbytes gbytes decgbytes
    tbytes dectbytes pbytes decpbytes pps binBps Bps binbps bps KiBs Kibits KBs Kbits MiBs
    Mibits MBs Mbits GiBs Gibits GBs Gbits TiBs Tibits TBs Tbits PiBs Pibits PBs Pbits
    dateTimeAsIso dateTimeAsIsoNoDateIfToday dateTimeAsUS dateTimeAsUSNoDateIfToday
    dateTimeAsLocal dateTimeAsLocalNoDateIfToday dateTimeAsSystem dateTimeFromNow watt kwatt
    megwatt gwatt mwatt Wm2 voltamp kvoltamp voltampreact kvoltampreact watth watthperkg
    kwatth kwattm mwatth amph kamph mamph joule ev amp kamp mamp volt kvolt mvolt dBm mohm ohm
    kohm Mohm farad µfarad nfarad pfarad ffarad henry mhenry µhenry lumens flowgpm flowcms
    flowcfs flowcfm litreh flowlpm flowmlpm lux forceNm forcekNm forceN forcekN Hs KHs MHs GHs
    THs PHs EHs massmg massg masslb masskg masst lengthmm lengthin lengthft lengthm lengthkm
    lengthmi pressurembar pressurebar pressurekbar pressurepa pressurehpa pressurekpa
    pressurehg pressurepsi radbq radci radgy radrad radsv radmsv radusv radrem radexpckg radr
    radsvh radmsvh radusvh rotrpm rothz rotkhz rotmhz rotghz rotrads rotdegs celsius
    fahrenheit kelvin hertz ns µs ms s m h d dtdurationms dtdurations dthms dtdhms timeticks
    clockms clocks cps ops reqps rps wps iops eps mps recps rowsps cpm opm reqpm rpm wpm epm
    mpm recpm rowspm velocityms velocitykmh velocitymph velocityknot mlitre litre m3 Nm3 dm3
    gallons bool bool_yes_no bool_on_off
"""
UNITS = frozenset(_UNIT_IDS.split()) | {"farenheit"}  # an old id Grafana still resolves

# getValueFormat: "<kind>:<argument>" builds a unit on the fly.
CUSTOM_PREFIXES = ("prefix:", "suffix:", "si:", "count:", "currency:", "time:", "bool:")


def is_unit(unit: str) -> bool:
    return unit in UNITS or (unit.startswith(CUSTOM_PREFIXES) and len(unit.split(":", 1)[1]) > 0)


# Units written out as words, which Grafana prints as text instead of scaling: the id meant.
_WORDS = {"seconds": "s", "second": "s", "sec": "s", "secs": "s", "milliseconds": "ms",
          "millisecond": "ms", "microseconds": "µs", "nanoseconds": "ns", "minutes": "m",
          "hours": "h", "days": "d", "byte": "bytes", "percentage": "percent",
          "ratio": "percentunit"}
_BY_LOWER = {unit.lower(): unit for unit in sorted(UNITS)}


def misspelt(unit: str) -> str | None:
    """The Grafana unit id `unit` means when it is none but says one (another case, or a
    word: 'seconds', 'Bytes'); None for an id, a custom unit, or other text (a suffix)."""
    if is_unit(unit):
        return None
    text = unit.strip()
    return _WORDS.get(text.lower()) or _BY_LOWER.get(text.lower())
