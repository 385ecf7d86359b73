# rejection.gp: test error on the accepted digits against the percentage of test digits
# rejected, rejecting the digits with the smallest gap between the best two class scores
# (the measure of Fig. 10), for this reproduction's 1998 LeNet-5 and its modern variant; the
# marked points are the rejection needed to reach 0.5% error (LeNet-5 is not in the paper's
# Fig. 10). In the full run, past about 2.3% rejected the 1998 curve is flat at about 0.33% (0.32-0.37%, 30 to
# 36 errors left, up to 15% rejected): those digits are wrong with a large gap, so rejecting
# more removes correct digits, not errors. Data: rejection.dat (experiments/rejection.sh).
set terminal pngcairo size 800,520 font "DejaVu Sans,10"
set output "rejection.png"
set title "Error-reject trade-off on the MNIST test set (reject by best-vs-second-best score gap)"
set xlabel "test digits rejected (%)"
set ylabel "error on the accepted digits (%), log scale"
set datafile separator whitespace
set logscale y
set grid
set xrange [0:*]  # autoscaled: a QUICK run may need more than the curves' 15% to reach 0.5%
set key top right box opaque
set arrow from graph 0, first 0.5 to graph 1, first 0.5 nohead dt 3 lc rgb "#808080"
set label "0.5% error" at graph 0.99, first 0.56 right tc rgb "#606060"
plot "rejection.dat" index 0 using 2:4 with lines lw 2 dt 1 lc rgb "#c03030" title "LeNet-5 1998 (this reproduction)", \
     "rejection.dat" index 1 using 2:4 with lines lw 2 dt 2 lc rgb "#3060c0" title "modern variant (this reproduction)", \
     "rejection.dat" index 2 using (stringcolumn(1) eq "lenet5" ? $2 : 1/0):3 with points pt 7 ps 1.4 lc rgb "#c03030" title "1998: rejected to reach 0.5% error", \
     "rejection.dat" index 2 using (stringcolumn(1) eq "modern" ? $2 : 1/0):3 with points pt 5 ps 1.4 lc rgb "#3060c0" title "modern: rejected to reach 0.5% error", \
     "rejection.dat" index 2 using (stringcolumn(1) eq "lenet5" ? $2 : 1/0):3:(sprintf("1998: %.2f%% rejected", $2)) with labels left offset 1.2,1.6 notitle, \
     "rejection.dat" index 2 using (stringcolumn(1) eq "modern" ? $2 : 1/0):3:(sprintf("modern: %.2f%% rejected", $2)) with labels left offset -1,-6 notitle
