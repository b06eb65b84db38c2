"""The test suite: folders mirror the packages of optimizer/; support code in helpers/."""
