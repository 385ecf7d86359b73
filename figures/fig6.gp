# fig6.gp: Figure 6 (Sec. III-C): training and test error after the last pass against the
# training-set size, this reproduction (filled points, solid lines: the mean over its seeds,
# error bars +-1 sd) beside the paper's digitised
# curves (hollow points, dashed lines), with the 60,000 + 540,000 distorted run of each: ours
# drawn just right of 60 (its training error further right), the paper's just left, so none
# hides another. The x axis is logarithmic over the paper's sizes, 10 to 70 thousand; a
# QUICK preview (1,500..5,000 patterns, 2 passes) widens it to 1 thousand. Data: fig6.dat (experiments/fig6.sh), run in
# the directory that holds it.
set terminal pngcairo size 800,560 font "DejaVu Sans,10"
set output 'fig6.png'
set title "Figure 6: LeNet-5 error after the last pass vs training-set size\n(filled/solid: this reproduction; hollow/dashed: LeCun et al. 1998)"
set xlabel "training-set size (thousands of original patterns, log scale)"
set ylabel "error rate (%)"
stats 'fig6.dat' index 0 using 1 nooutput
xlo = STATS_min < 10 ? 1 : 9
stats 'fig6.dat' index 0 using 3 nooutput
ytop = STATS_max > 1.8 ? STATS_max * 1.5 : 2.6  # room for the key above the curves
set logscale x
set xrange [xlo:70]
set yrange [0:ytop]
if (xlo < 10) { set xtics ("1.5" 1.5, "3" 3, "5" 5, "10" 10, "15" 15, "30" 30, "60" 60) nomirror } \
else { set xtics ("10" 10, "15" 15, "20" 20, "30" 30, "40" 40, "60" 60) nomirror }
set grid xtics ytics lc rgb "#dddddd"
set key inside right top box opaque font ",9" spacing 1.1
blue = "#1f77b4"; red = "#d62728"; green = "#2ca02c"
nseeds = system("sed -n 's/^# Figure 6: .*seeds 1[.][.]\\([0-9]*\\),.*/\\1/p' fig6.dat") + 0
plot 'fig6.dat' index 0 using 1:3 with lines dt 1 lc rgb blue lw 1.5 notitle, \
     ''         index 0 using 1:3:8 with yerrorbars lc rgb blue pt 7 ps 1.3 lw 1.5 title sprintf("test (ours: mean of %d seeds, +-1 sd)", nseeds), \
     ''         index 0 using 1:2 with lines dt 1 lc rgb red lw 1.5 notitle, \
     ''         index 0 using 1:2:7 with yerrorbars lc rgb red pt 5 ps 1.2 lw 1.5 title "training (ours, mean +-1 sd)", \
     ''         index 2 using 1:3 with linespoints dt 2 lc rgb blue pt 6 ps 1.6 title "test (paper)", \
     ''         index 2 using 1:2 with linespoints dt 2 lc rgb red pt 4 ps 1.5 title "training (paper)", \
     ''         index 1 using ($1*1.06):3:8 with yerrorbars lc rgb green pt 9 ps 1.8 title "test, + 9 distorted copies each (ours, mean +-1 sd)", \
     ''         index 1 using ($1*1.13):2:7 with yerrorbars lc rgb green pt 11 ps 1.8 title "training (originals), distorted run (ours)", \
     ''         index 3 using ($1/1.06):3 with points lc rgb green pt 8 ps 2.0 title "test, 60k + 540k distorted (paper)"
set terminal svg size 800,560 font "DejaVu Sans,10"
set output 'fig6.svg'
replot
