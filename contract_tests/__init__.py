"""The contract suite: checks the embedded mock, or any deployment of userPwdReset, by its spec."""
