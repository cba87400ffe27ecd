"""LEAN reference cases for volume, trend, chart and risk indicators."""

from __future__ import annotations

from indicator_reference import case, part

from lean_core.indicators import (
    AccumulationDistribution,
    AccumulationDistributionOscillator,
    AroonOscillator,
    AverageDirectionalIndex,
    AverageDirectionalMovementIndexRating,
    ChaikinMoneyFlow,
    ChaikinOscillator,
    EaseOfMovementValue,
    ForceIndex,
    HeikinAshi,
    IchimokuKinkoHyo,
    KlingerVolumeOscillator,
    MoneyFlowIndex,
    OnBalanceVolume,
    ParabolicStopAndReverse,
    ParabolicStopAndReverseExtended,
    RelativeDailyVolume,
    SharpeRatio,
    SmoothedOnBalanceVolume,
    SortinoRatio,
    SuperTrend,
    TargetDownsideDeviation,
    ValueAtRisk,
    VolumeWeightedAveragePriceIndicator,
    VolumeWeightedMovingAverage,
    Vortex,
)

VOLUME = [
    case("obv", OnBalanceVolume, "spy_with_obv.txt", "OBV", significant_digits=3),
    case("sobv", lambda: SmoothedOnBalanceVolume(20), "spy_with_sobv.csv", "SOBV20"),
    case("ad", lambda: AccumulationDistribution("AD"), "spy_ad.txt", "AD"),
    case("adosc", lambda: AccumulationDistributionOscillator(3, 10), "spy_ad_osc.txt", "AdOsc_3_10"),
    case("chaikin_oscillator", lambda: ChaikinOscillator(3, 10), "spy_ad_osc.txt", "AdOsc_3_10"),
    case("mfi", lambda: MoneyFlowIndex(20), "spy_mfi.txt", "Money Flow Index 20"),
    case("cmf", lambda: ChaikinMoneyFlow("CMF", 20), "spy_cmf.txt", "CMF_20"),
    case("fi", lambda: ForceIndex(20), "spy_with_ForceIndex.csv", "ForceIndex20"),
    case("emv", EaseOfMovementValue, "spy_emv.txt", "EMV", 1.0),
    case("kvo", lambda: KlingerVolumeOscillator(5, 10), "spy_with_kvo.csv", "KVO5_10"),
    case("vwap", lambda: VolumeWeightedAveragePriceIndicator(50), "spy_with_vwap.txt", "Moving VWAP 50"),
    case("vwma", lambda: VolumeWeightedMovingAverage("VWMA", 20), "spy_with_vwma.csv", "VWMA20"),
    case("rdv", lambda: RelativeDailyVolume(2), "spy_rdv.txt", "RDV"),
]

ADX = "spy_with_adx.txt"
SAR = "spy_sarext.txt"


def _sarext(*parameters: float) -> ParabolicStopAndReverseExtended:
    return ParabolicStopAndReverseExtended(*parameters)


TREND = [
    case("adx", lambda: AverageDirectionalIndex(14), ADX, "ADX 14"),
    case(
        "adx_plus_di",
        lambda: AverageDirectionalIndex(14),
        ADX,
        "+DI14",
        1e-4,
        part("positive_directional_index"),
    ),
    case(
        "adx_minus_di",
        lambda: AverageDirectionalIndex(14),
        ADX,
        "-DI14",
        1e-4,
        part("negative_directional_index"),
    ),
    case("adxr", lambda: AverageDirectionalMovementIndexRating(14), ADX, "ADXR 14", 1.0),
    case("aroon", lambda: AroonOscillator(14, 14), "spy_aroon_oscillator.txt", "Aroon Oscillator 14"),
    case("vortex_plus", lambda: Vortex(14), "spy_with_vtx.csv", "plus_vtx", 1e-4, part("plus_vortex")),
    case("vortex_minus", lambda: Vortex(14), "spy_with_vtx.csv", "minus_vtx", 1e-4, part("minus_vortex")),
    case("supertrend", lambda: SuperTrend(10, 3), "dwac_supertrend.txt", "Super", 0.05),
    case("psar", ParabolicStopAndReverse, SAR, "SAR"),
    case("sarext", ParabolicStopAndReverseExtended, SAR, "SAREXT", 1e-4),
    case("sarext_1", lambda: _sarext(0.0, 0.0, 0.03, 0.02, 0.4, 0.02, 0.01, 0.3), SAR, "SAREXT_PARAM1", 1e-4),
    case("sarext_2", lambda: _sarext(100, 0.0, 0.03, 0.02, 0.4, 0.02, 0.01, 0.3), SAR, "SAREXT_PARAM2", 1e-4),
    case("sarext_3", lambda: _sarext(-95, 0.0, 0.03, 0.02, 0.4, 0.02, 0.01, 0.3), SAR, "SAREXT_PARAM3", 1e-4),
    case(
        "sarext_4", lambda: _sarext(100, 0.02, 0.03, 0.02, 0.4, 0.02, 0.01, 0.3), SAR, "SAREXT_PARAM4", 1e-4
    ),
]

ICHIMOKU = "spy_with_ichimoku.csv"
# LEAN compares the lines exactly; 1e-9 allows for float sums of decimal inputs
ICHIMOKU_LINES = {
    "TenkanMaximum": "tenkan_maximum",
    "TenkanMinimum": "tenkan_minimum",
    "KijunMaximum": "kijun_maximum",
    "KijunMinimum": "kijun_minimum",
    "Kijun": "kijun",
    "DelayedTenkanSenkouA": "delayed_tenkan_senkou_a",
    "DelayedKijunSenkouA": "delayed_kijun_senkou_a",
    "Senkou A": "senkou_a",
    "SenkouBMaximum": "senkou_b_maximum",
    "SenkouBMinimum": "senkou_b_minimum",
    "DelayedMaximumSenkouB": "delayed_maximum_senkou_b",
    "DelayedMinimumSenkouB": "delayed_minimum_senkou_b",
    "Senkou B": "senkou_b",
}
HEIKIN_ASHI = {"HA_Open": "open", "HA_High": "high", "HA_Low": "low", "HA_Close": "close", "Volume": "volume"}

CHARTS = [
    case("ichimoku_tenkan", IchimokuKinkoHyo, ICHIMOKU, "Tenkan", actual=part("tenkan")),
    *[
        case(f"ichimoku_{line}", IchimokuKinkoHyo, ICHIMOKU, column, 1e-9, part(line))
        for column, line in ICHIMOKU_LINES.items()
    ],
    *[
        case(f"heikin_ashi_{line}", HeikinAshi, "spy_heikin_ashi.txt", column, actual=part(line))
        for column, line in HEIKIN_ASHI.items()
    ],
]

RISK = [
    case("sharpe", lambda: SharpeRatio("SR", 10), "spy_sr.txt", "SR_10"),
    case("sortino", lambda: SortinoRatio("SORTINO", 15), "spy_sortino.csv", "sortino_rf_0_period_15"),
    case(
        "sortino_target",
        lambda: SortinoRatio("SORTINO", 15, 0.01),
        "spy_sortino.csv",
        "sortino_rf_0.01_period_15",
    ),
    case("tdd", lambda: TargetDownsideDeviation(3), "spy_tdd.csv", "tdd", 1e-6),
    case("var_99", lambda: ValueAtRisk(252, 0.99), "spy_valueatrisk.csv", "VaR_99"),
    case("var_95", lambda: ValueAtRisk(252, 0.95), "spy_valueatrisk.csv", "VaR_95"),
    case("var_90", lambda: ValueAtRisk(252, 0.9), "spy_valueatrisk.csv", "VaR_90"),
]

VOLUME_TREND_CASES = VOLUME + TREND + CHARTS + RISK
