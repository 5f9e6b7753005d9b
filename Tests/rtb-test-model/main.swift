import BankModel
import RTBModels
import RTBVerifyCommands

// rtb-verify with the test bank registered: the one line a model outside the package needs.
ModelRegistry.register(BankModel.self)
RTBVerifyTool.main()
