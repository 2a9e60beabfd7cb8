import type { LicenseSeries } from "../../csp2";

/**
 * Seat charts for the HTML report, drawn by Apache ECharts and rendered to SVG when the report is written: its
 * server-side rendering needs no browser and no DOM, and the SVG, inlined in the page, needs neither script nor network
 * to show. One line per licence (seats at the end of each day), stepped, with its legend.
 */

export interface SeatChartOptions {
  width?: number;
  height?: number;
}

/** Licences per legend row, about: the plot starts below the legend. */
const legendItemsPerRow = 3;

/**
 * The SVG of one chart: a stepped line per licence over the series' days.
 */
export function seatChartSvg(series: readonly LicenseSeries[], options: SeatChartOptions = {}): string {
  // Loaded here, not at the top: a megabyte of library the other commands never need.
  const echarts = require("echarts") as typeof import("echarts");
  const width = options.width ?? 860;
  const height = options.height ?? 320;
  const dates = series[0]?.days.map((day) => day.date) ?? [];
  const legendRows = Math.max(1, Math.ceil(series.length / legendItemsPerRow));
  const chart = echarts.init(null, null, { renderer: "svg", ssr: true, width, height });
  try {
    chart.setOption({
      animation: false,
      // ECharts measures text without a browser by Helvetica's widths: a font of the same metrics keeps labels apart.
      textStyle: { fontFamily: "Arial, Helvetica, 'Liberation Sans', sans-serif" },
      legend: { top: 0, left: "center", type: "plain", itemGap: 16 },
      grid: { left: 48, right: 24, top: 16 + legendRows * 24, bottom: 32 },
      xAxis: { type: "category", data: dates, boundaryGap: false, axisLabel: { hideOverlap: true } },
      yAxis: { type: "value", minInterval: 1, name: "seats", nameGap: 8 },
      series: series.map((line) => ({
        name: line.licenseName,
        type: "line",
        step: "end",
        showSymbol: false,
        data: line.days.map((day) => day.endOfDayCount),
      })),
    });
    return chart.renderToSVGString();
  } finally {
    chart.dispose();
  }
}
