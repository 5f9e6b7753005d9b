print("rtb-verify")
