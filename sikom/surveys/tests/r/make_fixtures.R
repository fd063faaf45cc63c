# Fixtures for sikom.surveys.stats: R's survey package computes what sikom must reproduce to 1e-8.
#
# Run from the repository root:  Rscript sikom/surveys/tests/r/make_fixtures.R
# Needs R with the packages survey and jsonlite (Debian: r-base-core r-cran-survey r-cran-jsonlite). The input data
# are generated here with set.seed() and written into each fixture, so the Python tests read exactly these data.
# Each fixture file holds a list of cases; a case says how to build the design (weights, strata, fpc, replicates),
# which calibration steps to apply (rake, calibrate, trim) and what R estimated afterwards.

suppressPackageStartupMessages({
  library(survey)
  library(jsonlite)
})

out_dir <- file.path("sikom", "surveys", "tests", "r", "fixtures")
dir.create(out_dir, showWarnings = FALSE, recursive = TRUE)

margin_list <- function(margins) {
  # a margins list for rake()/calibrate(): data frames whose factor levels keep the margins' order
  lapply(names(margins), function(v) {
    df <- data.frame(factor(names(margins[[v]]), levels = names(margins[[v]])), unname(unlist(margins[[v]])))
    names(df) <- c(v, "Freq")
    df
  })
}

margin_formulas <- function(margins) lapply(names(margins), function(v) as.formula(paste("~", v)))

build <- function(case) {
  d <- as.data.frame(case$data, stringsAsFactors = FALSE)
  for (v in names(case$factors)) d[[v]] <- factor(d[[v]], levels = case$factors[[v]])
  args <- list(ids = ~1, data = d)
  if (!is.null(case$design$weights)) args$weights <- as.formula(paste("~", case$design$weights))
  if (!is.null(case$design$strata)) args$strata <- as.formula(paste("~", case$design$strata))
  if (!is.null(case$design$fpc)) args$fpc <- as.formula(paste("~", case$design$fpc))
  des <- do.call(svydesign, args)
  if (identical(case$replicates, "jk1")) des <- as.svrepdesign(des, type = "JK1")
  for (step in case$steps) {
    if (step$op == "rake") {
      ctl <- list(maxit = step$maxit, epsilon = step$epsilon, verbose = FALSE)
      des <- rake(des, margin_formulas(step$margins), margin_list(step$margins), control = ctl)
    } else if (step$op == "calibrate") {
      pop <- lapply(step$margins, function(m) unlist(m))
      des <- calibrate(des, margin_formulas(step$margins), margin_list(step$margins),
                       calfun = step$method, bounds = unlist(step$bounds), maxit = step$maxit,
                       epsilon = step$epsilon)
    } else if (step$op == "trim") {
      des <- trimWeights(des, lower = step$lower, upper = step$upper)
    }
  }
  des
}

one_estimate <- function(des, variable, domain_column, category) {
  f <- as.formula(paste("~", variable))
  sub <- if (is.null(domain_column)) des else des[des$variables[[domain_column]] %in% category, ]
  m <- svymean(f, sub, na.rm = TRUE)
  t <- svytotal(f, sub, na.rm = TRUE)
  y <- des$variables[[variable]]
  inside <- if (is.null(domain_column)) rep(TRUE, length(y)) else des$variables[[domain_column]] %in% category
  rec <- list(
    variable = variable,
    domain = if (is.null(domain_column)) NULL else list(column = domain_column, category = category),
    n = sum(inside & !is.na(y)),
    mean = unname(coef(m)), mean_se = unname(as.vector(SE(m))), mean_ci = unname(as.vector(confint(m))),
    total = unname(coef(t)), total_se = unname(as.vector(SE(t))), total_ci = unname(as.vector(confint(t)))
  )
  if (all(y[!is.na(y)] %in% c(0, 1))) {
    p <- svyciprop(f, sub, method = "logit", na.rm = TRUE)
    rec$prop_ci <- unname(as.vector(confint(p)))
  }
  rec
}

expectations <- function(des, case) {
  out <- list(weights = unname(as.vector(weights(des))))
  if (inherits(des, "svyrep.design")) out$weights <- unname(as.vector(des$pweights))
  w <- out$weights
  out$kish <- list(deff = length(w) * sum(w^2) / sum(w)^2, n_eff = sum(w)^2 / sum(w^2))
  est <- list()
  for (v in case$estimate) {
    est[[length(est) + 1]] <- one_estimate(des, v, NULL, NULL)
    for (b in case$by) {
      for (cat in sort(unique(des$variables[[b]]))) {
        est[[length(est) + 1]] <- one_estimate(des, v, b, cat)
      }
    }
  }
  out$estimates <- est
  con <- list()
  for (k in case$contrasts) {
    # those who answered (svyby(covmat = TRUE) cannot drop missing answers itself in an uncalibrated design)
    answered <- des[!is.na(des$variables[[k$variable]]), ]
    f <- as.formula(paste("~", k$variable))
    if (inherits(des, "svyrep.design")) {
      by <- svyby(f, as.formula(paste("~", k$column)), answered, svymean, covmat = TRUE)
      cvec <- setNames(rep(0, nrow(by)), rownames(by))
      cvec[k$a] <- 1
      cvec[k$b] <- -1
      sc <- svycontrast(by, cvec)
      est <- unname(coef(sc))
      se <- unname(as.vector(SE(sc)))
    } else {
      # what svyby(covmat = TRUE) + svycontrast(c(1, -1)) computes (survey >= 4.2; 4.1's svyby fails on calibrated
      # designs): the influence functions of the two domain means, stacked, through svyrecvar
      infl <- function(level) {
        inside <- answered$variables[[k$column]] %in% level
        m <- svymean(f, answered[inside, ], influence = TRUE, na.rm = TRUE)
        full <- rep(0, length(inside))
        full[if (length(attr(m, "influence")) == length(inside)) TRUE else inside] <- attr(m, "influence")
        list(mean = unname(coef(m)), influence = full)
      }
      a <- infl(k$a)
      b <- infl(k$b)
      v <- svyrecvar(a$influence - b$influence, answered$cluster, answered$strata, answered$fpc,
                     postStrata = answered$postStrata)
      est <- a$mean - b$mean
      se <- sqrt(as.vector(v))
    }
    sc <- NULL
    con[[length(con) + 1]] <- c(k, list(estimate = est, se = se))
  }
  out$contrasts <- con
  out
}

run_case <- function(case) {
  if (!is.null(case$lonely_psu)) options(survey.lonely.psu = case$lonely_psu)
  des <- build(case)
  case$expected <- expectations(des, case)
  options(survey.lonely.psu = "fail")
  case
}

write_cases <- function(name, cases) {
  cases <- lapply(cases, run_case)
  for (i in seq_along(cases)) cases[[i]]$factors <- NULL
  writeLines(toJSON(cases, digits = NA, auto_unbox = TRUE, na = "null", null = "null", pretty = FALSE),
             file.path(out_dir, paste0(name, ".json")))
  cat("wrote", name, "\n")
}

# ---- data -----------------------------------------------------------------------------------------------------

levels_age <- c("18-34", "35-49", "50-64", "65+")
levels_sex <- c("w", "m")
levels_region <- c("Nord", "Mitte", "Sued")

make_data <- function(n, seed, strata = NULL) {
  set.seed(seed)
  age <- sample(levels_age, n, replace = TRUE, prob = c(0.18, 0.22, 0.3, 0.3))
  sex <- sample(levels_sex, n, replace = TRUE, prob = c(0.55, 0.45))
  region <- sample(levels_region, n, replace = TRUE, prob = c(0.3, 0.45, 0.25))
  dw <- round(runif(n, 1, 4), 2)
  p <- plogis(-1 + 0.4 * (age == "65+") + 0.5 * (sex == "w") - 0.3 * (region == "Sued"))
  threatened <- as.numeric(runif(n) < p)
  trust <- sample(1:5, n, replace = TRUE)
  trust[sample(n, round(n / 20))] <- NA
  incidents <- rpois(n, 1.2 + 0.8 * (region == "Nord"))
  list(age = age, sex = sex, region = region, dw = dw, threatened = threatened, trust = trust,
       incidents = incidents)
}

margins_main <- list(
  age = list(`18-34` = 5200, `35-49` = 6100, `50-64` = 7400, `65+` = 8300),
  sex = list(w = 14100, m = 12900),
  region = list(Nord = 8000, Mitte = 12000, Sued = 7000)
)
factors_main <- list(age = levels_age, sex = levels_sex, region = levels_region)

base_case <- function(name, data) {
  list(name = name, data = data, factors = factors_main,
       design = list(weights = "dw", strata = NULL, fpc = NULL), replicates = NULL, lonely_psu = NULL,
       steps = list(), estimate = c("threatened", "trust", "incidents"), by = c("region"),
       contrasts = list(list(variable = "threatened", column = "region", a = "Nord", b = "Sued"),
                        list(variable = "trust", column = "region", a = "Mitte", b = "Sued")))
}

rake_step <- function(margins = margins_main, maxit = 10, epsilon = 1) {
  list(op = "rake", margins = margins, maxit = maxit, epsilon = epsilon)
}

# ---- raking ---------------------------------------------------------------------------------------------------

d1 <- make_data(400, 20261)
c_plain <- base_case("design weights only", d1)
c_rake <- base_case("raking, default control", d1)
c_rake$steps <- list(rake_step())
c_rake_tight <- base_case("raking to convergence", d1)
c_rake_tight$steps <- list(rake_step(maxit = 100, epsilon = 1e-9))
c_rake_unweighted <- base_case("raking without design weights", d1)
c_rake_unweighted$design$weights <- NULL
c_rake_unweighted$steps <- list(rake_step(maxit = 50, epsilon = 1e-6))
c_rake_short <- base_case("raking stopped by maxit", d1)
c_rake_short$steps <- list(rake_step(maxit = 2, epsilon = 1e-12))
write_cases("raking", list(c_plain, c_rake, c_rake_tight, c_rake_unweighted, c_rake_short))

# ---- strata and fpc -------------------------------------------------------------------------------------------

d2 <- make_data(300, 20262)
d2$stratum <- ifelse(d2$region == "Nord", "A", ifelse(d2$region == "Mitte", "B", "C"))
d2$stratum[1] <- "D"  # a stratum of one respondent
d2$N <- c(A = 9000, B = 12500, C = 7200, D = 40)[d2$stratum]
c_strat <- base_case("strata with fpc, no design weights, stratum of one (adjust)", d2)
c_strat$design <- list(weights = NULL, strata = "stratum", fpc = "N")
c_strat$lonely_psu <- "adjust"
c_strat_rake <- c_strat
c_strat_rake$name <- "strata with fpc, raked on age and sex"
c_strat_rake$steps <- list(rake_step(margins_main[c("age", "sex")]))
c_strat_remove <- c_strat_rake
c_strat_remove$name <- "strata with fpc, raked, stratum of one removed"
c_strat_remove$lonely_psu <- "remove"
c_strat_w <- base_case("strata with design weights and fpc, raked", d2)
c_strat_w$design <- list(weights = "dw", strata = "stratum", fpc = "N")
c_strat_w$lonely_psu <- "adjust"
c_strat_w$steps <- list(rake_step(margins_main[c("age", "sex")], maxit = 30, epsilon = 1e-7))
d2b <- d2
d2b$stratum[1] <- d2b$stratum[2]
d2b$N <- c(A = 9000, B = 12500, C = 7200)[d2b$stratum]
d2b$N[d2b$stratum == "C"] <- sum(d2b$stratum == "C")  # a stratum sampled completely
c_census <- base_case("strata, one sampled completely", d2b)
c_census$design <- list(weights = NULL, strata = "stratum", fpc = "N")
write_cases("strata", list(c_strat, c_strat_rake, c_strat_remove, c_strat_w, c_census))

# ---- calibrate() and trimming ---------------------------------------------------------------------------------

d3 <- make_data(500, 20263)
# margins near the sum of the design weights (about 1,250), so that bounded calibration can reach them
margins_small <- lapply(margins_main, function(m) lapply(m, function(x) x / 20))
cal_step <- function(method, bounds, maxit = 50, epsilon = 1e-7, margins = margins_small) {
  list(op = "calibrate", margins = margins, method = method, bounds = bounds, maxit = maxit, epsilon = epsilon)
}
c_lin <- base_case("linear calibration (GREG)", d3)
c_lin$steps <- list(cal_step("linear", c(-Inf, Inf)))
c_lin_b <- base_case("bounded linear calibration", d3)
c_lin_b$steps <- list(cal_step("linear", c(0.4, 2.2)))
c_logit <- base_case("logit calibration", d3)
c_logit$steps <- list(cal_step("logit", c(0.3, 3)))
c_cal_rake <- base_case("raking by calibrate()", d3)
c_cal_rake$steps <- list(cal_step("raking", c(-Inf, Inf)))
c_cal_unw <- base_case("logit calibration without design weights (pre-scaling)", d3)
c_cal_unw$design$weights <- NULL
c_cal_unw$steps <- list(cal_step("logit", c(0.3, 3), margins = margins_main))
c_trim <- base_case("raking, trimming, raking again", d3)
c_trim$steps <- list(rake_step(), list(op = "trim", lower = 20, upper = 80), rake_step())
c_trim_only <- base_case("raking then trimming", d3)
c_trim_only$steps <- list(rake_step(maxit = 40, epsilon = 1e-8), list(op = "trim", lower = 25, upper = 75))
write_cases("calibration", list(c_lin, c_lin_b, c_logit, c_cal_rake, c_cal_unw, c_trim, c_trim_only))

# ---- JK1 replicate weights ------------------------------------------------------------------------------------

d4 <- make_data(160, 20264)
c_jk <- base_case("JK1, no calibration", d4)
c_jk$replicates <- "jk1"
c_jk_rake <- base_case("JK1, raked in every replicate", d4)
c_jk_rake$replicates <- "jk1"
c_jk_rake$steps <- list(rake_step(margins_main[c("age", "sex")]))
c_jk_cal <- base_case("JK1, linear calibration in every replicate", d4)
c_jk_cal$replicates <- "jk1"
c_jk_cal$steps <- list(cal_step("linear", c(-Inf, Inf)))
d4$N <- rep(5000, length(d4$dw))
c_jk_fpc <- base_case("JK1 with fpc", d4)
c_jk_fpc$design <- list(weights = NULL, strata = NULL, fpc = "N")
c_jk_fpc$replicates <- "jk1"
c_jk_fpc$steps <- list(rake_step(margins_main[c("sex")]))
write_cases("jk1", list(c_jk, c_jk_rake, c_jk_cal, c_jk_fpc))

# ---- edge cases -----------------------------------------------------------------------------------------------

d5 <- make_data(240, 20265)
d5$everyone <- rep(1, 240)                      # all-equal answers
d5$nobody_sued <- ifelse(d5$region == "Sued", 0, d5$threatened)  # a proportion of zero in one domain
d5$small <- ifelse(seq_len(240) <= 12, "klein", "gross")  # a domain just above the threshold
d5$threatened_na <- ifelse(seq_len(240) %% 7 == 0, NA, d5$threatened)  # a yes/no question some did not answer
c_edge <- base_case("all-equal answers, a domain with proportion zero", d5)
c_edge$estimate <- c("everyone", "nobody_sued", "threatened_na")
c_edge$by <- c("region", "small")
c_edge$steps <- list(rake_step())
c_edge$contrasts <- list(list(variable = "nobody_sued", column = "region", a = "Nord", b = "Sued"),
                         list(variable = "threatened_na", column = "region", a = "Nord", b = "Mitte"))
c_edge_jk <- c_edge
c_edge_jk$name <- "JK1: all-equal answers, proportion zero, missing answers"
c_edge_jk$replicates <- "jk1"
c_edge_plain <- c_edge
c_edge_plain$name <- "design weights only: missing answers in a yes/no question"
c_edge_plain$steps <- list()
write_cases("edge", list(c_edge, c_edge_jk, c_edge_plain))

# ---- two waves (independent samples) --------------------------------------------------------------------------

waves <- list()
for (w in 1:2) {
  c_w <- base_case(paste("wave", w), make_data(350, 20270 + w))
  c_w$steps <- list(rake_step())
  c_w$contrasts <- list()
  waves[[w]] <- run_case(c_w)
}
diff_of <- function(variable) {
  e <- lapply(waves, function(c_w) Filter(function(r) r$variable == variable && is.null(r$domain),
                                          c_w$expected$estimates)[[1]])
  list(variable = variable, estimate = e[[2]]$mean - e[[1]]$mean, se = sqrt(e[[1]]$mean_se^2 + e[[2]]$mean_se^2))
}
for (i in seq_along(waves)) waves[[i]]$factors <- NULL
writeLines(toJSON(list(waves = waves, differences = list(diff_of("threatened"), diff_of("trust"))),
                  digits = NA, auto_unbox = TRUE, na = "null", null = "null"),
           file.path(out_dir, "waves.json"))
cat("wrote waves\n")
