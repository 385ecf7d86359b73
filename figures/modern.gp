# modern.gp: figures/modern.png from modern.dat (written by experiments/modern.sh); run in
# the directory that holds modern.dat.
set terminal pngcairo size 800,500 font "DejaVu Sans,10"
set output 'modern.png'
set title "LeNet-5 (1998) and the modern variant: error per pass"
set xlabel 'pass over the training set'
set ylabel 'error (%), log scale'
set logscale y
set grid ytics mytics xtics
set xtics 1
set key top right
plot 'modern.dat' index 0 using 1:4 with linespoints lw 2 pt 7 lc rgb '#1f77b4' title '1998: test', \
     ''           index 0 using 1:3 with linespoints lw 1 pt 6 dt 2 lc rgb '#1f77b4' title '1998: training (end of pass)', \
     ''           index 1 using 1:4 with linespoints lw 2 pt 5 lc rgb '#d62728' title 'modern: test', \
     ''           index 1 using 1:3 with linespoints lw 1 pt 4 dt 2 lc rgb '#d62728' title 'modern: training (end of pass)'
