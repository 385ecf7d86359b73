# ablation.gp: figures/ablation.png from ablation.dat (written by experiments/ablation.sh);
# run in the directory that holds ablation.dat.
set terminal pngcairo size 900,500 font "DejaVu Sans,10"
set output 'ablation.png'
set title "From LeNet-5 (1998) to the modern variant, one change at a time (cumulative)"
set ylabel 'test error after the last pass (%), log scale; mean +- sd over seeds'
set logscale y
set xrange [-0.5:6.5]
set grid ytics mytics
set xtics rotate by -20 left
unset key
plot 'ablation.dat' using 1:3:4:xtic(2) with yerrorbars pt 7 ps 1.5 lc rgb '#4c72b0', \
     ''             using 1:3:(sprintf('%.2f', $3)) with labels offset 3.5,0
