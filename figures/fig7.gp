# fig7.gp: Figure 7 (Sec. III-C): training digits (left column: the original) and nine
# distorted copies of each (random translation, scaling, squeezing and horizontal shear in
# the 32x32 input field), as in the 60,000 + 540,000 distorted training set. Data: fig7.dat
# (build/fig7), run in the directory that holds it.
set terminal pngcairo size 800,860 font "DejaVu Sans,10"
set output 'fig7.png'
unset key
unset border
unset colorbox
unset xtics
unset ytics
set size ratio -1
set palette gray negative
set cbrange [0:255]
set xrange [-0.5:341.5]
set yrange [341.5:-0.5]
set lmargin 4
set tmargin 7
set title "Figure 7: training digits (left: original) and nine distorted copies of each\n" . \
          "random translation, scaling, squeezing and horizontal shear, in the 32x32 input field" offset 0,1.8
set label 1 "original" at 18,-5 center front
set label 2 "distorted copies 1..9 (the 540,000 are 9 per original)" at 188,-5 center front
do for [d=0:9] { set label (10 + d) sprintf("%d", d) at -6, 18 + 34 * d center front }
plot 'fig7.dat' matrix with image
