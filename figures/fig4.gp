# fig4.gp: test digits as the network receives them, the 32x32 coded input (cf. Fig. 4).
# Data: fig4.dat (experiments/fig4.sh).
set terminal pngcairo size 1000,560 font "DejaVu Sans,10"
set output "fig4.png"
set title "MNIST test digits as the network receives them: 32x32, background -0.1, ink 1.175"
set palette defined (-0.1 "#e4e4e4", 1.175 "black")  # the 32x32 field shows as light grey
set cbrange [-0.1:1.175]
unset colorbox
set yrange [] reverse
set size ratio -1
unset xtics
unset ytics
set border 0
plot "fig4.dat" index 0 matrix with image notitle
