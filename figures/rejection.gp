# rejection.gp: test error on the accepted digits against the % of test digits rejected,
# rejecting by the gap between the best two scores (Fig. 10's measure), both networks.
# Data: rejection.dat (experiments/rejection.sh).
set terminal pngcairo size 800,520 font "DejaVu Sans,10"
set output "rejection.png"
set title "Error-reject trade-off on the MNIST test set (reject by best-vs-second-best gap)"
set xlabel "test digits rejected (%)"
set ylabel "error on the accepted digits (%)"
set datafile separator whitespace
set logscale y
set grid
set xrange [0:*]
set key top right
set arrow from graph 0, first 0.5 to graph 1, first 0.5 nohead dt 2 lc rgb "#808080"
set label "0.5% error" at graph 0.01, first 0.56 tc rgb "#808080"
plot "rejection.dat" index 0 using 2:4 with lines lw 2 lc rgb "#c03030" title "LeNet-5 1998 (this reproduction)", \
     "rejection.dat" index 1 using 2:4 with lines lw 2 lc rgb "#3060c0" title "modern variant (this reproduction)", \
     "rejection.dat" index 2 using 2:3:(sprintf("%s: %.2f%% rejected", stringcolumn(1), $2)) with labels point pt 7 offset 0,1 center notitle
