# maps.gp: "LeNet-5 in action": one test image through this reproduction's network: the
# 32x32 coded input (white = background -0.1, black = ink 1.175), the C1, S2, C3, S4 feature
# maps and the C5 (120 units as 12x10) and F6 (7x12, like the RBF codes) states (white = -1.7,
# black = +1.7), and the ten outputs (RBF penalties: smallest wins; or logits: largest wins),
# the predicted class hatched. Data: maps.dat (experiments/maps.sh; block 8, C5, only from
# inspect.c revisions that write it).
# The mosaics mark their gaps "NaN"; gnuplot warns about NaN in a matrix, so the file is read
# with the gaps turned into -99, below the colour range (drawn as its lightest colour, white).
M = "< sed 's/NaN/-99/g' maps.dat 2>/dev/null"  # (index N stops reading early: no 'broken pipe')
stats "maps.dat" index 7 using 1 nooutput; idx = int(STATS_min)
stats "maps.dat" index 7 using 2 nooutput; lab = int(STATS_min)
stats "maps.dat" index 7 using 3 nooutput; pred = int(STATS_min)
stats "maps.dat" index 7 using 4 nooutput; rbf = int(STATS_min)
stats M using 1 nooutput; has_c5 = STATS_blocks > 8
stats "maps.dat" index 6 using 2 nooutput; omin = STATS_min; omax = STATS_max
# a round tick step (1, 2 or 5 x 10^k) giving at most about four ticks over the outputs' range
span = (omax > 0 ? omax : 0) - (omin < 0 ? omin : 0); span = span > 0 ? span : 1
e = 10**floor(log10(span / 4.0)); r = span / 4.0 / e
ostep = r <= 1 ? e : (r <= 2 ? 2 * e : (r <= 5 ? 5 * e : 10 * e))
set terminal pngcairo size 1000,820 font "DejaVu Sans,10"
set output "maps.png"
unset colorbox
unset xtics
unset ytics
set border 0
set multiplot title sprintf("LeNet-5 in action: test image #%d (label %d), predicted %d\nmaps: white = -1.7, black = +1.7", idx, lab, pred) font "DejaVu Sans,12"
set yrange [] reverse
set size ratio -1
# input, with its own grey scale: background white, ink black
set palette defined (-0.1 "white", 1.175 "black")
set cbrange [-0.1:1.175]
set size 0.2, 0.27; set origin 0.0, 0.66; set title "input 32x32"; set border 15 lc rgb "#909090"
plot M index 0 matrix with image notitle
set palette defined (-1.75 "white", 0 "#909090", 1.75 "black")
set cbrange [-1.75:1.75]
set border 0
if (has_c5) { set size 0.14, 0.27; set origin 0.2, 0.66; set title "C5 (120 as 12x10)"; plot M index 8 matrix with image notitle }
set size 0.12, 0.27; set origin 0.34, 0.66; set title "F6 (7x12)"
plot M index 5 matrix with image notitle
set size 0.54, 0.27; set origin 0.46, 0.66
set size noratio
set yrange [*:*] noreverse
set border 3 lc rgb "black"
set xtics 0,1,9 nomirror
set ytics ostep nomirror
set xlabel "class"
set ylabel (rbf ? "penalty y_i" : "logit")
set xrange [-0.6:9.6]
set title (rbf ? "RBF penalties y_i (smallest wins; predicted class hatched)" : "logits (largest wins; predicted class hatched)")
plot "maps.dat" index 6 using 1:2 with boxes fs solid 0.6 border -1 lc rgb "#4060a0" notitle, \
     "maps.dat" index 6 using ($1 == pred ? $1 : 1/0):2 with boxes fs pattern 2 border -1 lc rgb "#c03030" notitle, \
     "maps.dat" index 6 using 1:2:(sprintf("%.3g", $2)) with labels offset 0,0.6 font ",8" notitle
unset xlabel; unset ylabel
unset xtics; unset ytics; set border 0; set autoscale xy
set yrange [] reverse
set size ratio -1
set size 1.0, 0.17; set origin 0.0, 0.48; set title "C1: 6 maps 28x28"
plot M index 1 matrix with image notitle
set size 1.0, 0.12; set origin 0.0, 0.35; set title "S2: 6 maps 14x14"
plot M index 2 matrix with image notitle
set size 1.0, 0.19; set origin 0.0, 0.16; set title "C3: 16 maps 10x10"
plot M index 3 matrix with image notitle
set size 1.0, 0.16; set origin 0.0, 0.0; set title "S4: 16 maps 5x5"
plot M index 4 matrix with image notitle
unset multiplot
