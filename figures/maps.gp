# maps.gp: "LeNet-5 in action" for one test digit: input, C1, S2, C3, S4 feature maps (state
# of each unit, white = -1.7, black = +1.7), the F6 state drawn as a 7x12 image like the RBF
# codes, and the ten outputs. Data: maps.dat (experiments/maps.sh).
stats "maps.dat" index 7 using 1 nooutput; idx = int(STATS_min)
stats "maps.dat" index 7 using 2 nooutput; lab = int(STATS_min)
stats "maps.dat" index 7 using 3 nooutput; pred = int(STATS_min)
stats "maps.dat" index 7 using 4 nooutput; rbf = int(STATS_min)
set terminal pngcairo size 1000,820 font "DejaVu Sans,10"
set output "maps.png"
set palette defined (-1.75 "white", 0 "#909090", 1.75 "black")
set cbrange [-1.75:1.75]
unset colorbox
unset xtics
unset ytics
set border 0
set multiplot title sprintf("LeNet-5 in action: test digit %d, label %d, predicted %d", idx, lab, pred) font "DejaVu Sans,12"
set yrange [] reverse
set size ratio -1
# input, F6 state, outputs
set size 0.22, 0.27; set origin 0.0, 0.68; set title "input 32x32"
plot "maps.dat" index 0 matrix with image notitle
set size 0.14, 0.27; set origin 0.22, 0.68; set title "F6 (7x12)"
plot "maps.dat" index 5 matrix with image notitle
set size 0.6, 0.25; set origin 0.38, 0.69
set size noratio
set yrange [*:*] noreverse
set border 3
set xtics 0,1,9 nomirror
set ytics nomirror
set xrange [-0.6:9.6]
set style fill solid 0.6
set title (rbf ? "RBF penalties y_i (smallest wins)" : "logits (largest wins)")
plot "maps.dat" index 6 using 1:2 with boxes lc rgb "#4060a0" notitle, \
     "maps.dat" index 6 using ($1 == pred ? $1 : 1/0):2 with boxes lc rgb "#c03030" notitle
unset xtics; unset ytics; set border 0; set autoscale xy
set yrange [] reverse
set size ratio -1
set size 1.0, 0.17; set origin 0.0, 0.50; set title "C1: 6 maps 28x28"
plot "maps.dat" index 1 matrix with image notitle
set size 1.0, 0.12; set origin 0.0, 0.37; set title "S2: 6 maps 14x14"
plot "maps.dat" index 2 matrix with image notitle
set size 1.0, 0.19; set origin 0.0, 0.17; set title "C3: 16 maps 10x10"
plot "maps.dat" index 3 matrix with image notitle
set size 1.0, 0.16; set origin 0.0, 0.0; set title "S4: 16 maps 5x5"
plot "maps.dat" index 4 matrix with image notitle
unset multiplot
