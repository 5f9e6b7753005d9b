print("rtb-sim")
