# ablation.gp: from this reproduction's 1998 LeNet-5 to its modern variant one change at a
# time, each step keeping the ones before (cumulative): the final test error of each step,
# mean and sample standard deviation over the seeds (error bars), with a key naming each
# change (the "change" column of ablation.tsv, as experiments/ablation.sh defines the steps);
# the dashed line is the paper's 0.95% for LeNet-5 (Fig. 9); a step at 80% or more is marked
# "chance" (it did not learn). Data: ablation.dat and
# ablation.tsv (experiments/ablation.sh), run in the directory that holds them.
set terminal pngcairo size 1000,560 font "DejaVu Sans,10"
set output 'ablation.png'
set title "From LeNet-5 (1998) to the modern variant, one change at a time (cumulative)" offset 6,0
set ylabel 'test error after the last pass (%): mean +- sd over seeds'
set xlabel 'step (see the key)'
# the key: one line per step, "name: change", read by header name from ablation.tsv
set datafile separator "\t"
set datafile columnheaders
key = ""
# (the single-change rows "only-*" of SINGLE=1 are not plotted, so not in the key)
stats 'ablation.tsv' using (strcol("name")[1:5] eq "only-" ? 0 : (key = key . sprintf("%s: %s\n", strcol("name"), strcol("change")), 0)) nooutput
set datafile separator whitespace
set datafile nocolumnheaders
stats 'ablation.dat' using 3 nooutput
ylo = STATS_min < 1.0 ? STATS_min * 0.9 : 0.9
yhi = STATS_max > 1.8 ? STATS_max * 1.1 : 1.9
set yrange [ylo:yhi]
set xrange [-0.5:6.5]
set grid ytics
set rmargin 46
set label 1 "Steps (cumulative)\n" . key at screen 0.655, screen 0.86 left font ",9"
unset key
if (ylo < 0.95) {
    set arrow 1 from graph 0, first 0.95 to graph 1, first 0.95 nohead dt 2 lc rgb "#808080"
    set label 2 "paper, LeNet-5: 0.95%" at graph 0.5, first 0.95 center offset 0,0.6 tc rgb "#606060" font ",9"
}
plot 'ablation.dat' using 1:3:4:xtic(2) with yerrorbars pt 7 ps 1.5 lc rgb '#4c72b0', \
     ''             using 1:3:(sprintf($3 >= 80 ? '%.2f\n(chance)' : '%.2f', $3)) with labels offset 3.2,0  # >= 80%: did not learn (figlib.sh chance)
