from aid.county import aid_county

__all__ = ["aid_county"]
