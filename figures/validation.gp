# validation.gp: the choices made on a validation split (experiments/validation.sh): the
# validation error after the last pass (mean +- sample sd over the seeds: error bars) against
# SGD's rate, log scale, one line per net: the modern variant and the ablation's step (b) (the
# 1998 net with a linear output + softmax). A ring marks each net's chosen rate (the lowest
# mean among the rates none of whose runs diverged), a triangle on the axis the rate the code
# uses (SGD_LR in lenet98/optim.h, B_LR in experiments/ablation.sh); a rate where some run diverged is not
# plotted as a number but labelled "diverged" at the top; the dashed line is the 1998 net
# (SDLM: no rate). Data: validation.dat, run in the directory that holds it.
# (make figures runs every script in figures/: before the first full sweep there is no data)
if (system("[ -f validation.dat ] && echo yes") ne "yes") {
    print "validation.gp: no validation.dat here (experiments/validation.sh collect writes it): nothing drawn"
    exit
}
set terminal pngcairo size 900,600 font "DejaVu Sans,10"
set output 'validation.png'
set title "Choosing SGD's rate on the validation split (never the test set)"
set xlabel "SGD's learning rate (momentum 0.9, batch 64, cosine), log scale"
set ylabel 'validation error after the last pass (%), mean +- sd'
set logscale x
set format x '%g'
set grid xtics ytics
set bmargin 9
set key at screen 0.5, screen 0.1 center horizontal maxrows 3 width 2
set datafile missing 'NaN'
# the x range from the rates, the y range from the plotted means (+ sd) and the lenet5 line
stats 'validation.dat' index 0:1 using 1 nooutput
xlo = STATS_min / 1.6; xhi = STATS_max * 1.6
set xrange [xlo:xhi]
set xtics (0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1, 3)
# (stats finds no valid point when every rate of both nets diverged: then it defines no STATS_*)
ymax = -1e9; ymin = 1e9
undefine STATS_*
stats 'validation.dat' index 0:1 using ($2 + $3) nooutput
if (exists("STATS_max")) { ymax = STATS_max }
undefine STATS_*
stats 'validation.dat' index 0:1 using ($2 - $3) nooutput
if (exists("STATS_min")) { ymin = STATS_min }
l5 = NaN
undefine STATS_*
stats 'validation.dat' index 2 using 1 nooutput
if (exists("STATS_max")) { l5 = STATS_max; ymax = (l5 > ymax ? l5 : ymax); ymin = (l5 < ymin ? l5 : ymin) }
if (ymin > ymax) { ymin = 0; ymax = 1 }
span = ymax - ymin; if (span <= 0) { span = ymax > 0 ? ymax : 1 }
ylo = ymin - 0.15 * span; if (ylo < 0) { ylo = 0 }
yhi = ymax + 0.35 * span
set yrange [ylo:yhi]
ytop = ymax + 0.2 * span
if (l5 == l5) {
    set arrow 1 from graph 0, first l5 to graph 1, first l5 nohead dt 2 lc rgb '#808080'
    set label 1 sprintf('1998 LeNet-5 (SDLM, no rate): %.2f%%', l5) at graph 0.98, first l5 right offset 0,0.6 tc rgb '#606060' font ',9'
}
# a column that is the value only where the status (column 4) or chosen (column 5) says so
isok(c) = strcol(4) eq 'ok' ? column(c) : NaN
ischosen(c) = strcol(5) eq 'yes' && strcol(4) eq 'ok' ? column(c) : NaN
inuse(y) = strcol(6) eq 'yes' ? y : NaN
# (every rate gets a label, empty unless it diverged: no plot without a valid point)
divlabel(n) = strcol(4) eq 'diverged' ? n . ":\ndiverged" : ''
plot 'validation.dat' index 0 using 1:(isok(2)):(isok(3)) with yerrorlines lw 2 pt 7 lc rgb '#d62728' title 'modern variant', \
     ''               index 1 using 1:(isok(2)):(isok(3)) with yerrorlines lw 2 pt 5 lc rgb '#1f77b4' title "step (b): 1998 net, linear + softmax", \
     ''               index 0 using 1:(ischosen(2)) with points pt 6 ps 3.5 lw 2 lc rgb '#d62728' title 'chosen (lowest mean)', \
     ''               index 1 using 1:(ischosen(2)) with points pt 6 ps 3.5 lw 2 lc rgb '#1f77b4' notitle, \
     ''               index 0 using 1:(inuse(ylo + 0.04 * span)) with points pt 9 ps 1.6 lc rgb '#d62728' title 'in use: SGD\_LR (modern)', \
     ''               index 1 using 1:(inuse(ylo + 0.04 * span)) with points pt 11 ps 1.6 lc rgb '#1f77b4' title 'in use: B\_LR (step (b))', \
     ''               index 0 using 1:(ytop):(divlabel('modern')) with labels tc rgb '#d62728' font ',9' notitle, \
     ''               index 1 using 1:(ytop - 0.1 * span):(divlabel('step (b)')) with labels tc rgb '#1f77b4' font ',9' notitle
