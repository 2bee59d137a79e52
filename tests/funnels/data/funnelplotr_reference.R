# Reference values for tests/funnels: FunnelPlotR 0.6.0's own functions (nhs-r-community/FunnelPlotR at
# commit 9020d4972873d863e10b8a16555975f0e322adfc, files R/od_adjustment.R and R/calculate_limits.R, base R
# only), sourced from a checkout and run on units_sr.csv / units_pr.csv.  Not run by the tests.
# Usage: Rscript funnelplotr_reference.R <FunnelPlotR checkout> > funnelplotr_reference.csv
args <- commandArgs(trailingOnly = TRUE)
source(file.path(args[1], "R/od_adjustment.R"))
source(file.path(args[1], "R/calculate_limits.R"))
here <- dirname(sub("--file=", "", grep("--file=", commandArgs(FALSE), value = TRUE)))
sr <- read.csv(file.path(here, "units_sr.csv"))
pr <- read.csv(file.path(here, "units_pr.csv"))
out <- data.frame()
fit <- function(agg, data_type, sr_method, rounding) {
  if (rounding) agg$denominator <- round(agg$denominator, 2)
  agg <- transformed_zscore(agg, data_type = data_type, sr_method = sr_method)
  if (data_type == "SR" && sr_method == "SHMI") agg <- truncation(agg, 0.1) else agg <- winsorisation(agg, 0.1)
  n <- sum(!is.na(agg$Wuzscore))
  phi <- phi_func(n, na.omit(agg$Wuzscore))
  tau2 <- tau_func(n, phi, agg[!is.na(agg$Wuzscore), ]$s)
  list(agg = agg, n = n, phi = phi, tau2 = tau2)
}
cases <- list(list("SR", "SHMI", TRUE, "shmi"), list("SR", "SHMI", FALSE, "shmi-unrounded"),
              list("SR", "CQC", FALSE, "cqc"), list("PR", "SHMI", FALSE, "spiegelhalter"))
for (case in cases) {
  if (case[[1]] == "SR") {
    agg <- data.frame(group = sr$unit, numerator = sr$observed, denominator = sr$expected)
    agg <- agg[agg$numerator > 0 | case[[2]] != "SHMI", ]  # log of 0: left out (see test module)
  } else {
    agg <- data.frame(group = pr$unit, numerator = pr$observed, denominator = pr$denominator)
  }
  f <- fit(agg, case[[1]], case[[2]], case[[3]])
  target <- if (case[[1]] == "SR") 1 else sum(agg$numerator) / sum(agg$denominator)
  grid <- data.frame(number_seq = c(5, 20, 50, 150))
  lim <- calculate_limits(grid, data_type = case[[1]], sr_method = case[[2]], tau2 = f$tau2, target = target,
                          draw_adjusted = TRUE)
  out <- rbind(out, data.frame(overdispersion = case[[4]], n = f$n, phi = f$phi, tau2 = f$tau2, target = target,
                               precision = grid$number_seq, odll95 = lim$odll95, odul95 = lim$odul95,
                               odll998 = lim$odll998, odul998 = lim$odul998))
}
write.csv(format(out, digits = 15), row.names = FALSE, quote = FALSE)
