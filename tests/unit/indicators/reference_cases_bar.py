"""LEAN reference cases for indicators of bars: range oscillators, volatility and bands."""

from __future__ import annotations

import math

from indicator_reference import case, part

from lean_core.indicators import (
    AccelerationBands,
    AverageRange,
    AverageTrueRange,
    AwesomeOscillator,
    BalanceOfPower,
    BollingerBands,
    ChandeKrollStop,
    ChoppinessIndex,
    CommodityChannelIndex,
    DeMarkerIndicator,
    DonchianChannel,
    FisherTransform,
    InternalBarStrength,
    KeltnerChannels,
    MassIndex,
    MovingAverageType,
    NormalizedAverageTrueRange,
    PremierStochasticOscillator,
    RelativeVigorIndex,
    RogersSatchellVolatility,
    SqueezeMomentum,
    StandardDeviation,
    Stochastic,
    TrueRange,
    UltimateOscillator,
    Variance,
    WaveTrendOscillator,
    WilliamsPercentR,
)

OSCILLATORS = [
    case("sto_d", lambda: Stochastic(12, 3, 5), "spy_with_stoch12k3.txt", "%D 5", actual=part("stoch_d")),
    case(
        "sto_k",
        lambda: Stochastic(12, 3, 5),
        "spy_with_stoch12k3.txt",
        "Stochastics 12 %K 3",
        actual=part("stoch_k"),
    ),
    case("wilr", lambda: WilliamsPercentR(14), "spy_with_williamsR14.txt", "Williams %R 14"),
    case(
        "cci", lambda: CommodityChannelIndex(14), "spy_with_cci.txt", "Commodity Channel Index (CCI) 14", 1e-2
    ),
    case("ultosc", lambda: UltimateOscillator(7, 14, 28), "spy_ultosc.txt", "ULTOSC_7_14_28"),
    case("ao", lambda: AwesomeOscillator(5, 34), "spy_ao.txt", "AO"),
    case("bop", BalanceOfPower, "spy_bop.txt", "BOP"),
    case("ibs", lambda: InternalBarStrength("IBS"), "spy_with_ibs.csv", "IBS"),
    case("fisher", lambda: FisherTransform(10), "spy_with_fisher.txt", "Fisher Transform 10"),
    case("dem", lambda: DeMarkerIndicator("DEM", 14), "eurusd60_dem.txt", "dem"),
    case("rvi", lambda: RelativeVigorIndex("RVI", 10), "spy_rvi.txt", "RVI"),
    case(
        "rvi_signal",
        lambda: RelativeVigorIndex("RVI", 10),
        "spy_rvi.txt",
        "RVI_S",
        0.06,
        actual=part("signal"),
    ),
]

OSCILLATORS += [
    case("pso", lambda: PremierStochasticOscillator("PSO", 8, 5), "spy_pso.csv", "pso"),
    case("wto", lambda: WaveTrendOscillator(10, 21, 4), "spy_wto.csv", "WT1", 1e-4),
    case("wto_signal", lambda: WaveTrendOscillator(10, 21, 4), "spy_wto.csv", "WT2", 1e-4, part("signal")),
    case("squeeze", lambda: SqueezeMomentum("SM", 20, 2, 20, 1.5), "spy_sm.csv", "squeeze on"),
]

VOLATILITY = [
    case("std", lambda: StandardDeviation(10), "spy_var.txt", "Var", 1e-6, expected=math.sqrt),
    case("var", lambda: Variance(10), "spy_var.txt", "Var"),
    case("tr", TrueRange, "spy_tr.txt", "TR"),
    case("atr_wilders", lambda: AverageTrueRange(14), "spy_atr_wilder.txt", "Average True Range 14"),
    case(
        "atr_simple",
        lambda: AverageTrueRange(14, MovingAverageType.SIMPLE),
        "spy_atr.txt",
        "Average True Range 14",
    ),
    case("natr", lambda: NormalizedAverageTrueRange(5), "spy_natr.txt", "NATR_5"),
    case("mass", MassIndex, "spy_mass_index_25.txt", "MassIndex"),
    case("chop", lambda: ChoppinessIndex(14), "spy_with_chop.csv", "CHOP14"),
    case("rsv", lambda: RogersSatchellVolatility(9), "spy_with_rsv.csv", "RSV9"),
    case("ar", lambda: AverageRange(20), "spy_adr.csv", "adr"),
]

BOLLINGER = "spy_bollinger_bands.txt"
KELTNER = "spy_with_keltner.csv"
DONCHIAN = "spy_with_don50.txt"
ACCELERATION = "spy_acceleration_bands_20_4.txt"

BANDS = [
    case(
        "bb_lower",
        lambda: BollingerBands(20, 2.0),
        BOLLINGER,
        "Bollinger Bands® 20 2 Bottom",
        actual=part("lower_band"),
    ),
    case(
        "bb_middle",
        lambda: BollingerBands(20, 2.0),
        BOLLINGER,
        "Moving Average 20",
        actual=part("middle_band"),
    ),
    case(
        "bb_upper",
        lambda: BollingerBands(20, 2.0),
        BOLLINGER,
        "Bollinger Bands® 20 2 Top",
        actual=part("upper_band"),
    ),
    case("bb_band_width", lambda: BollingerBands(20, 2.0), BOLLINGER, "BandWidth", actual=part("band_width")),
    case("bb_percent_b", lambda: BollingerBands(20, 2.0), BOLLINGER, "%B", actual=part("percent_b")),
    case("keltner_middle", lambda: KeltnerChannels(20, 1.5), KELTNER, "Middle Band"),
    case(
        "keltner_upper",
        lambda: KeltnerChannels(20, 1.5),
        KELTNER,
        "Keltner Channels 20 Top",
        actual=part("upper_band"),
    ),
    case(
        "keltner_lower",
        lambda: KeltnerChannels(20, 1.5),
        KELTNER,
        "Keltner Channels 20 Bottom",
        actual=part("lower_band"),
    ),
    case("donchian_mean", lambda: DonchianChannel(50), DONCHIAN, "Donchian Channels 50 Mean"),
    # LEAN compares the bands exactly; 1e-9 allows for the float sums of decimal inputs
    case(
        "donchian_upper",
        lambda: DonchianChannel(50),
        DONCHIAN,
        "Donchian Channels 50 Top",
        1e-9,
        part("upper_band"),
    ),
    case(
        "donchian_lower",
        lambda: DonchianChannel(50),
        DONCHIAN,
        "Donchian Channels 50 Bottom",
        1e-9,
        part("lower_band"),
    ),
    case("abands_middle", lambda: AccelerationBands(20, 4), ACCELERATION, "MiddleBand"),
    case(
        "abands_lower", lambda: AccelerationBands(20, 4), ACCELERATION, "LowerBand", 1e-4, part("lower_band")
    ),
    case(
        "abands_upper", lambda: AccelerationBands(20, 4), ACCELERATION, "UpperBand", 1e-4, part("upper_band")
    ),
]

CHANDE_KROLL = "spy_with_ChandeKrollStop.csv"
BANDS += [
    case(
        "cks_short", lambda: ChandeKrollStop(5, 2.0, 3), CHANDE_KROLL, "short_stop", 1e-6, part("short_stop")
    ),
    case("cks_long", lambda: ChandeKrollStop(5, 2.0, 3), CHANDE_KROLL, "long_stop", 1e-6, part("long_stop")),
]

BAR_CASES = OSCILLATORS + VOLATILITY + BANDS
